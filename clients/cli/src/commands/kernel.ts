// The kernel the inspecting commands (migrate, plugins, routes) work on: the config with the
// Node preset's defaults, exactly as `start` would run it, but quiet on stdout.
import { type Backlex, createBacklex } from '@backlex/kernel'
import { withNodeDefaults } from '@backlex/node'
import type { OptionValues } from '../command.js'
import { findConfig, loadConfig } from '../load-config.js'

export async function kernelOf(values: OptionValues): Promise<Backlex> {
  const given = typeof values.config === 'string' ? values.config : undefined
  const config = await loadConfig(await findConfig(process.cwd(), given))
  // Info lines go to stdout, where they would break --json output; warnings go to stderr.
  return createBacklex(await withNodeDefaults({ ...config, logLevel: config.logLevel ?? 'warn' }))
}

export const print = (text: string) => {
  process.stdout.write(text)
}

export const printJson = (value: unknown) => print(`${JSON.stringify(value, null, 2)}\n`)
