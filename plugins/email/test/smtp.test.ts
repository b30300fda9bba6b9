// The SMTP adapter against a real SMTP server on loopback.
import { createBacklex, Email, type EmailAdapter } from '@backlex/kernel'
import { silentLogger, startSmtpServer, type TestSmtpServer } from '@backlex/test-utils'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createSmtpEmail, smtpEmail } from '../src/index.js'

describe('createSmtpEmail', () => {
  let server: TestSmtpServer
  beforeAll(async () => {
    server = await startSmtpServer({
      users: { mailer: 's3cret' },
      rejectRecipients: ['nobody@example.com'],
    })
  })
  afterAll(() => server.close())

  const adapter = (pass = 's3cret') =>
    createSmtpEmail({
      host: '127.0.0.1',
      port: server.port,
      auth: { user: 'mailer', pass },
      from: 'Acme <no-reply@acme.test>',
      timeoutMs: 5000,
    })

  it('delivers text and HTML with the default sender, authenticated', async () => {
    const email = adapter()
    const sent = await email.send({
      to: 'ada@example.com',
      subject: 'Hello Ada',
      text: 'Plain body with a long link https://example.com/verify?token=abcdefghijklmnopqrstuvwxyz0123456789abcdefghijklmnopqrstuvwxyz',
      html: '<p>HTML body</p>',
      headers: { 'X-Test': 'yes' },
    })
    const mail = await server.nextMailTo('ada@example.com')
    expect(mail.from).toBe('no-reply@acme.test')
    expect(mail.user).toBe('mailer')
    expect(mail.subject).toBe('Hello Ada')
    expect(mail.text).toContain(
      'https://example.com/verify?token=abcdefghijklmnopqrstuvwxyz0123456789abcdefghijklmnopqrstuvwxyz',
    )
    expect(mail.html).toContain('<p>HTML body</p>')
    expect(sent.id).toBe(mail.messageId)
    email.close()
  })

  it('sends to several recipients and honours a per-message sender', async () => {
    const email = adapter()
    await email.send({
      to: ['b@example.com', 'c@example.com'],
      from: 'Other <other@acme.test>',
      subject: 'Two',
      text: 'x',
    })
    const mail = await server.nextMailTo('b@example.com')
    expect(mail.to).toEqual(['b@example.com', 'c@example.com'])
    expect(mail.from).toBe('other@acme.test')
    email.close()
  })

  it('fails with EMAIL_SEND_FAILED on bad credentials, keeping the cause', async () => {
    const email = adapter('wrong')
    const error = await email.send({ to: 'd@example.com', subject: 'x', text: 'x' }).catch((e) => e)
    expect(error).toMatchObject({ code: 'EMAIL_SEND_FAILED', status: 502 })
    expect(String((error as Error).cause)).toMatch(/Invalid username or password/)
    await expect(email.verify()).rejects.toMatchObject({ code: 'EMAIL_SEND_FAILED' })
    email.close()
  })

  it('fails with EMAIL_SEND_FAILED when the server refuses the recipient', async () => {
    const email = adapter()
    await expect(
      email.send({ to: 'nobody@example.com', subject: 'x', text: 'x' }),
    ).rejects.toMatchObject({ code: 'EMAIL_SEND_FAILED' })
    email.close()
  })

  it('fails with EMAIL_SEND_FAILED when nothing listens', async () => {
    const closed = await startSmtpServer()
    const port = closed.port
    await closed.close()
    const email = createSmtpEmail({ host: '127.0.0.1', port, from: 'x@acme.test', timeoutMs: 2000 })
    await expect(
      email.send({ to: 'e@example.com', subject: 'x', text: 'x' }),
    ).rejects.toMatchObject({ code: 'EMAIL_SEND_FAILED' })
  })

  it('refuses a message without recipients before connecting', async () => {
    const email = adapter()
    await expect(email.send({ to: [], subject: 'x', text: 'x' })).rejects.toMatchObject({
      code: 'EMAIL_NO_RECIPIENT',
      status: 400,
    })
    email.close()
  })
})

describe('smtpEmail plugin', () => {
  it('provides the Email service on a runtime with TCP, and delivers', async () => {
    const server = await startSmtpServer()
    const app = createBacklex({
      logger: silentLogger(),
      runtime: { name: 'node', capabilities: ['tcp'] },
      plugins: [smtpEmail({ host: '127.0.0.1', port: server.port, from: 'app@acme.test' })],
    })
    await app.boot()
    const email: EmailAdapter = app.get(Email)
    await email.send({ to: 'f@example.com', subject: 'From the kernel', text: 'hi' })
    expect((await server.nextMailTo('f@example.com')).subject).toBe('From the kernel')
    await app.shutdown()
    await server.close()
  })

  it('is refused at boot on a runtime without TCP', async () => {
    const app = createBacklex({
      logger: silentLogger(),
      runtime: { name: 'cloudflare', capabilities: [] },
      plugins: [smtpEmail({ host: '127.0.0.1', from: 'app@acme.test' })],
    })
    await expect(app.boot()).rejects.toMatchObject({ code: 'MISSING_CAPABILITY' })
  })

  it('rejects bad options at boot with the plugin name', async () => {
    const app = createBacklex({
      logger: silentLogger(),
      runtime: { name: 'node', capabilities: ['tcp'] },
      plugins: [smtpEmail({ host: '', from: 'x' } as never)],
    })
    await expect(app.boot()).rejects.toMatchObject({ code: 'INVALID_PLUGIN_OPTIONS' })
  })
})
