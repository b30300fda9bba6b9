// Every way the backlex CLI itself can fail. Errors of the kernel and plugins pass through
// with their own codes; `hints.ts` says what to do about each.
import { relative } from 'node:path'
import { BacklexError } from '@backlex/kernel'
import { sourceLocationOf } from './error-location.js'

/** A path as the user would type it: relative to the working directory when inside it. */
const shown = (path: string) => {
  const rel = relative(process.cwd(), path)
  return rel && !rel.startsWith('..') ? rel : path
}

const causeCode = (cause: unknown) => {
  const code = (cause as { code?: unknown } | null)?.code
  return typeof code === 'string' ? code : undefined
}

const withCause = (error: BacklexError, cause: unknown) => Object.assign(error, { cause })

/**
 * The errors the CLI ends with when the config cannot be used or the command line is wrong.
 * @example
 * throw CliErrors.CONFIG_NOT_FOUND(process.cwd(), CONFIG_FILES)
 */
export const CliErrors = {
  CONFIG_NOT_FOUND: (where: string, tried: readonly string[]) =>
    new BacklexError(
      'CLI_CONFIG_NOT_FOUND',
      500,
      tried.length === 1
        ? `No config file at ${shown(tried[0] ?? where)}.`
        : `No config file in ${where} (looked for ${tried.join(', ')}).`,
      { where },
    ),
  CONFIG_LOAD_FAILED: (path: string, cause: unknown) => {
    const message = cause instanceof Error ? cause.message : String(cause)
    // Where: `backlex.config.ts:12:5`, or the file it imports that failed.
    const at = sourceLocationOf(cause, process.cwd())
    const where = at ? ` at ${shown(at.file)}:${at.line}${at.column ? `:${at.column}` : ''}` : ''
    return withCause(
      new BacklexError(
        'CLI_CONFIG_LOAD_FAILED',
        500,
        `Loading ${shown(path)} failed${where}: ${message}`,
        {
          path,
          cause: causeCode(cause),
          message,
          ...(at ? { location: at } : {}),
        },
      ),
      cause,
    )
  },
  CONFIG_INVALID: (path: string, problem: string) =>
    new BacklexError('CLI_CONFIG_INVALID', 500, `${shown(path)} ${problem}.`, { path }),
  TYPESCRIPT_UNSUPPORTED: (path: string) =>
    new BacklexError(
      'CLI_TYPESCRIPT_UNSUPPORTED',
      500,
      `Node ${process.version} cannot load ${shown(path)}: it does not strip TypeScript types.`,
      { path },
    ),
  UNKNOWN_COMMAND: (command: string) =>
    new BacklexError('CLI_UNKNOWN_COMMAND', 400, `Unknown command "${command}".`, { command }),
  INVALID_ARGUMENTS: (command: string, problem: string) =>
    new BacklexError('CLI_INVALID_ARGUMENTS', 400, `backlex ${command}: ${problem}`, { command }),
} as const

/** Every code the CLI itself can fail with. */
export type CliErrorCode = ReturnType<(typeof CliErrors)[keyof typeof CliErrors]>['code']

/** Usage mistakes exit with 2, everything else with 1. */
export const USAGE_CODES: ReadonlySet<string> = new Set([
  'CLI_UNKNOWN_COMMAND',
  'CLI_INVALID_ARGUMENTS',
])
