// The SMTP Email adapter on nodemailer. Node only: it opens TCP connections.
import { definePlugin, Email, type EmailAdapter } from '@backlex/kernel'
import nodemailer from 'nodemailer'
import { z } from 'zod'
import pkg from '../package.json' with { type: 'json' }
import { recipients } from './console.js'
import { EmailErrors } from './errors.js'

export const smtpEmailOptions = z.object({
  host: z.string().min(1),
  /** 587 (STARTTLS) by default; 465 with `secure: true`. */
  port: z.number().int().min(1).max(65535).default(587),
  /** TLS from the first byte (port 465). Otherwise STARTTLS is used when the server offers it. */
  secure: z.boolean().default(false),
  auth: z.object({ user: z.string().min(1), pass: z.string() }).optional(),
  /** Default sender, e.g. `Acme <no-reply@acme.com>`. */
  from: z.string().min(3),
  /** Connection, greeting and socket timeout in ms. */
  timeoutMs: z.number().int().positive().default(10_000),
  /** Accept self-signed certificates (test servers only). */
  allowSelfSigned: z.boolean().default(false),
})

export type SmtpEmailOptions = z.input<typeof smtpEmailOptions>

export interface SmtpEmail extends EmailAdapter {
  /** Verifies the connection and credentials; rejects with EMAIL_SEND_FAILED. */
  verify(): Promise<void>
  close(): void
}

/**
 * An EmailAdapter that delivers through an SMTP server.
 * @example
 * const email = createSmtpEmail({ host: 'smtp.example.com', from: 'Acme <no-reply@acme.com>',
 *   auth: { user: 'apikey', pass: process.env.SMTP_PASSWORD ?? '' } })
 * await email.send({ to: 'ada@example.com', subject: 'Hi', text: 'Hello' })
 */
export function createSmtpEmail(options: SmtpEmailOptions): SmtpEmail {
  const o = smtpEmailOptions.parse(options)
  const transport = nodemailer.createTransport({
    host: o.host,
    port: o.port,
    secure: o.secure,
    ...(o.auth ? { auth: o.auth } : {}),
    connectionTimeout: o.timeoutMs,
    greetingTimeout: o.timeoutMs,
    socketTimeout: o.timeoutMs,
    ...(o.allowSelfSigned ? { tls: { rejectUnauthorized: false } } : {}),
  })
  return {
    async send(message) {
      const to = recipients(message)
      try {
        const info = await transport.sendMail({
          from: message.from ?? o.from,
          to,
          subject: message.subject,
          text: message.text,
          ...(message.html !== undefined ? { html: message.html } : {}),
          ...(message.headers ? { headers: message.headers } : {}),
        })
        return { id: info.messageId }
      } catch (error) {
        throw EmailErrors.SEND_FAILED(error)
      }
    },
    async verify() {
      try {
        await transport.verify()
      } catch (error) {
        throw EmailErrors.SEND_FAILED(error)
      }
    },
    close: () => transport.close(),
  }
}

/**
 * The Email service over SMTP (Node: needs the `tcp` runtime capability).
 * @example
 * defineConfig({ plugins: [smtpEmail({ host: 'smtp.example.com', port: 587,
 *   auth: { user: 'apikey', pass: process.env.SMTP_PASSWORD ?? '' }, from: 'Acme <no-reply@acme.com>' })] })
 */
export const smtpEmail = definePlugin({
  name: '@backlex/email-smtp',
  version: pkg.version,
  kernel: '^0.1.0',
  provides: [Email],
  needs: ['tcp'],
  options: smtpEmailOptions,
  register(ctx, options) {
    ctx.provide(Email, (): SmtpEmail => createSmtpEmail(options), {
      stop: (email) => email.close(),
    })
  },
})
