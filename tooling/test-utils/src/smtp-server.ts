// A real SMTP server on loopback for tests: it records every message it accepts, parsed.
import type { AddressInfo } from 'node:net'
import { simpleParser } from 'mailparser'
import { SMTPServer } from 'smtp-server'

export interface ReceivedMail {
  from: string
  to: string[]
  subject: string
  text: string
  html: string | null
  messageId: string | null
  /** Login the client authenticated with, if any. */
  user: string | null
}

export interface TestSmtpServer {
  port: number
  mails: ReceivedMail[]
  /** Resolves with the next mail to arrive for `to` (or one already there). */
  nextMailTo(to: string): Promise<ReceivedMail>
  close(): Promise<void>
}

export async function startSmtpServer(
  options: { users?: Record<string, string>; rejectRecipients?: string[] } = {},
): Promise<TestSmtpServer> {
  const mails: ReceivedMail[] = []
  const waiters: { to: string; resolve: (mail: ReceivedMail) => void }[] = []
  const server = new SMTPServer({
    secure: false,
    disabledCommands: options.users ? ['STARTTLS'] : ['STARTTLS', 'AUTH'],
    allowInsecureAuth: true,
    authOptional: !options.users,
    logger: false,
    onAuth(auth, _session, callback) {
      const expected = options.users?.[auth.username ?? '']
      if (expected !== undefined && expected === auth.password) {
        callback(null, { user: auth.username })
      } else callback(new Error('Invalid username or password'))
    },
    onRcptTo(address, _session, callback) {
      if (options.rejectRecipients?.includes(address.address)) {
        const error = new Error('Mailbox unavailable') as Error & { responseCode: number }
        error.responseCode = 550
        callback(error)
      } else callback()
    },
    onData(stream, session, callback) {
      simpleParser(stream)
        .then((parsed) => {
          const mail: ReceivedMail = {
            from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
            to: session.envelope.rcptTo.map((r) => r.address),
            subject: parsed.subject ?? '',
            text: parsed.text ?? '',
            html: typeof parsed.html === 'string' ? parsed.html : null,
            messageId: parsed.messageId ?? null,
            user: typeof session.user === 'string' ? session.user : null,
          }
          mails.push(mail)
          for (const waiter of [...waiters]) {
            if (mail.to.includes(waiter.to)) {
              waiters.splice(waiters.indexOf(waiter), 1)
              waiter.resolve(mail)
            }
          }
          callback()
        })
        .catch((error: Error) => callback(error))
    },
  })
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => resolve())
  })
  const address = (server as unknown as { server: { address(): AddressInfo } }).server.address()
  return {
    port: address.port,
    mails,
    nextMailTo(to) {
      const seen = mails.find((m) => m.to.includes(to))
      if (seen) {
        mails.splice(mails.indexOf(seen), 1)
        return Promise.resolve(seen)
      }
      return new Promise((resolve) =>
        waiters.push({
          to,
          resolve: (mail) => {
            mails.splice(mails.indexOf(mail), 1)
            resolve(mail)
          },
        }),
      )
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  }
}
