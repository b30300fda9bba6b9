// Turns any error a command ends with into one paragraph for stderr: the code, what went
// wrong and what to do. Stack traces only with --verbose: they help plugin authors, not users.
import { isBacklexError } from '@backlex/kernel'
import { type HintContext, hintFor } from './hints.js'

function stackOf(error: unknown): string {
  if (!(error instanceof Error)) return String(error)
  const cause = (error as { cause?: unknown }).cause
  const own = error.stack ?? `${error.name}: ${error.message}`
  return cause === undefined ? own : `${own}\nCaused by: ${stackOf(cause)}`
}

/** Ends a message with a full stop so the hint after it reads as the next sentence. */
const sentence = (text: string) => {
  // One paragraph: some messages (e.g. syntax errors) span lines.
  const flat = text.replace(/\s*\n\s*/g, ' ').trim()
  return /[.!?)]$/.test(flat) ? flat : `${flat}.`
}

/**
 * Formats an error for stderr.
 * @example
 * process.stderr.write(formatError(error, { verbose: false }))
 */
export function formatError(
  error: unknown,
  options: { verbose: boolean } & Partial<HintContext>,
): string {
  let paragraph: string
  if (isBacklexError(error)) {
    const hint = hintFor(error, { packageManager: options.packageManager ?? 'npm' })
    paragraph = `backlex: ${error.code}: ${sentence(error.message)}${hint ? ` ${hint}` : ''}`
  } else {
    const message = error instanceof Error ? error.message : String(error)
    paragraph = `backlex: UNEXPECTED_ERROR: ${sentence(message)}${
      options.verbose ? '' : ' Run again with --verbose for the stack trace.'
    }`
  }
  return options.verbose ? `${paragraph}\n\n${stackOf(error)}\n` : `${paragraph}\n`
}
