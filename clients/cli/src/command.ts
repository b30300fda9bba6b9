// What a command is (name, options, run) and the parsing and help text all commands share.
import { parseArgs } from 'node:util'
import { CliErrors } from './errors.js'

export interface OptionSpec {
  type: 'string' | 'boolean'
  short?: string
  /** Shown in help after the flag, e.g. `<path>`. */
  value?: string
  description: string
}

export type OptionValues = Record<string, string | boolean | undefined>

export interface Command {
  name: string
  /** One line for `backlex --help`. */
  summary: string
  /** A few lines for `backlex <command> --help`. */
  description: string
  options: Record<string, OptionSpec>
  /** Resolves with an exit code, or `'running'` when a server keeps the process alive. */
  run(values: OptionValues, args: readonly string[]): Promise<number | 'running'>
}

export const configOption: Record<string, OptionSpec> = {
  config: {
    type: 'string',
    short: 'c',
    value: '<path>',
    description: 'Config file (default: backlex.config.ts in the current directory)',
  },
}

export const serverOptions: Record<string, OptionSpec> = {
  port: {
    type: 'string',
    short: 'p',
    value: '<port>',
    description: 'Port to listen on, 0 for any free one (default: PORT, else 3000)',
  },
  host: {
    type: 'string',
    value: '<host>',
    description: 'Interface to bind (default: HOST, else 127.0.0.1 for dev, 0.0.0.0 for start)',
  },
}

export const jsonOption: Record<string, OptionSpec> = {
  json: { type: 'boolean', description: 'Print JSON instead of a table' },
}

const commonOptions: Record<string, OptionSpec> = {
  verbose: { type: 'boolean', description: 'Print stack traces with errors' },
  help: { type: 'boolean', short: 'h', description: 'Show this help' },
}

/** Parses a command's arguments; unknown options and stray arguments are usage errors. */
export function parseCommandArgs(command: Command, args: readonly string[]): OptionValues {
  const options = { ...command.options, ...commonOptions }
  try {
    const { values } = parseArgs({
      args: [...args],
      options: Object.fromEntries(
        Object.entries(options).map(([name, o]) => [
          name,
          o.short ? { type: o.type, short: o.short } : { type: o.type },
        ]),
      ),
      strict: true,
      allowPositionals: false,
    })
    return values as OptionValues
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error)
    throw CliErrors.INVALID_ARGUMENTS(command.name, message)
  }
}

/** `backlex <command> --help`. */
export function commandHelp(command: Command): string {
  const options = { ...command.options, ...commonOptions }
  const flags = Object.entries(options).map(([name, o]) => [
    `${o.short ? `-${o.short}, ` : '    '}--${name}${o.value ? ` ${o.value}` : ''}`,
    o.description,
  ])
  const width = Math.max(...flags.map(([flag]) => flag?.length ?? 0))
  return [
    `Usage: backlex ${command.name} [options]`,
    '',
    command.description,
    '',
    'Options:',
    ...flags.map(([flag, text]) => `  ${(flag ?? '').padEnd(width)}  ${text}`),
    '',
  ].join('\n')
}
