// The console Email adapter: messages go to the logger, whole.
import { createBacklex, Email } from '@backlex/kernel'
import { silentLogger } from '@backlex/test-utils'
import { describe, expect, it } from 'vitest'
import { consoleEmail, createConsoleEmail } from './console.js'

describe('consoleEmail', () => {
  it('logs the whole message instead of sending it', async () => {
    const logger = silentLogger()
    const email = createConsoleEmail(logger, { from: 'dev@localhost' })
    const { id } = await email.send({
      to: 'ada@example.com',
      subject: 'Code',
      text: 'Yours: 123456',
    })
    expect(id).toMatch(/^console-/)
    expect(logger.lines).toEqual([
      {
        level: 'info',
        message: 'email (not sent: console adapter)',
        fields: {
          id,
          from: 'dev@localhost',
          to: ['ada@example.com'],
          subject: 'Code',
          text: 'Yours: 123456',
        },
      },
    ])
  })

  it('refuses a message without recipients', async () => {
    const email = createConsoleEmail(silentLogger())
    await expect(email.send({ to: ' ', subject: 'x', text: 'x' })).rejects.toMatchObject({
      code: 'EMAIL_NO_RECIPIENT',
    })
  })

  it('provides the Email service through the kernel logger', async () => {
    const logger = silentLogger()
    const app = createBacklex({ logger, plugins: [consoleEmail()] })
    await app.boot()
    await app.get(Email).send({ to: 'b@example.com', subject: 'Hi', text: 'there' })
    const line = logger.lines.find((l) => l.message.startsWith('email'))
    expect(line?.fields).toMatchObject({
      plugin: '@backlex/email-console',
      to: ['b@example.com'],
      text: 'there',
    })
    await app.shutdown()
  })
})
