// The console Email adapter: writes each message to the logger instead of sending it (dev).
import {
  definePlugin,
  Email,
  type EmailAdapter,
  type EmailMessage,
  type LoggerAdapter,
} from '@backlex/kernel'
import { z } from 'zod'
import pkg from '../package.json' with { type: 'json' }
import { EmailErrors } from './errors.js'

export const consoleEmailOptions = z.object({
  /** Sender shown in the log when a message names none. */
  from: z.string().min(3).default('backlex <no-reply@localhost>'),
})

export type ConsoleEmailOptions = z.input<typeof consoleEmailOptions>

/** Recipients as a list, refusing an empty one. */
export function recipients(message: EmailMessage): string[] {
  const to = (Array.isArray(message.to) ? message.to : [message.to]).filter((a) => a.trim() !== '')
  if (to.length === 0) throw EmailErrors.NO_RECIPIENT()
  return to
}

/**
 * An EmailAdapter that logs messages (at info level, with their full text) and sends nothing.
 * @example
 * const email = createConsoleEmail(createConsoleLogger())
 * await email.send({ to: 'ada@example.com', subject: 'Hi', text: 'Hello' })
 */
export function createConsoleEmail(
  logger: LoggerAdapter,
  options: ConsoleEmailOptions = {},
): EmailAdapter {
  const { from } = consoleEmailOptions.parse(options)
  return {
    async send(message) {
      const to = recipients(message)
      const id = `console-${crypto.randomUUID()}`
      logger.info('email (not sent: console adapter)', {
        id,
        from: message.from ?? from,
        to,
        subject: message.subject,
        text: message.text,
      })
      return { id }
    },
  }
}

/**
 * The Email service for development: messages go to the log, with links and codes readable.
 * @example
 * defineConfig({ dev: true, plugins: [sqlite(), consoleEmail(), auth()] })
 */
export const consoleEmail = definePlugin({
  name: '@backlex/email-console',
  version: pkg.version,
  kernel: '^0.1.0',
  provides: [Email],
  options: consoleEmailOptions,
  register(ctx, options) {
    ctx.provide(Email, (boot) => createConsoleEmail(boot.logger, options))
  },
})
