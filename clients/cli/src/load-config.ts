// Finds backlex.config.ts and imports it. Node >= 22.18 strips TypeScript types itself,
// so a plain import() loads it: no bundler, no loader hooks, and line numbers stay true.
import { stat } from 'node:fs/promises'
import { isAbsolute, resolve } from 'node:path'
import { pathToFileURL } from 'node:url'
import type { BacklexConfig } from '@backlex/kernel'
import { CliErrors } from './errors.js'

/** Looked for in this order in the working directory. */
export const CONFIG_FILES = [
  'backlex.config.ts',
  'backlex.config.mts',
  'backlex.config.js',
  'backlex.config.mjs',
] as const

const isFile = (path: string) =>
  stat(path).then(
    (s) => s.isFile(),
    () => false,
  )

/**
 * The absolute path of the config: `given` (relative to `cwd`), else the first of
 * CONFIG_FILES in `cwd`. Throws CLI_CONFIG_NOT_FOUND.
 * @example
 * const path = await findConfig(process.cwd())
 */
export async function findConfig(cwd: string, given?: string): Promise<string> {
  if (given !== undefined) {
    const path = isAbsolute(given) ? given : resolve(cwd, given)
    if (await isFile(path)) return path
    throw CliErrors.CONFIG_NOT_FOUND(cwd, [path])
  }
  for (const name of CONFIG_FILES) {
    const path = resolve(cwd, name)
    if (await isFile(path)) return path
  }
  throw CliErrors.CONFIG_NOT_FOUND(cwd, CONFIG_FILES)
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value)

/**
 * Imports a config file and checks that its default export is a config object.
 * @example
 * const config = await loadConfig(await findConfig(process.cwd()))
 */
export async function loadConfig(path: string): Promise<BacklexConfig> {
  const features = process.features as { typescript?: string | false }
  if (/\.[cm]?ts$/.test(path) && !features.typescript) throw CliErrors.TYPESCRIPT_UNSUPPORTED(path)
  let module: Record<string, unknown>
  try {
    module = await import(pathToFileURL(path).href)
  } catch (error) {
    throw CliErrors.CONFIG_LOAD_FAILED(path, error)
  }
  if (!('default' in module)) throw CliErrors.CONFIG_INVALID(path, 'has no default export')
  const config = await module.default
  if (!isObject(config) || !Array.isArray(config.plugins)) {
    throw CliErrors.CONFIG_INVALID(
      path,
      'does not export a config object as default (an object with a `plugins` array)',
    )
  }
  return config as unknown as BacklexConfig
}
