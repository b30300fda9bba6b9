// Magic link and email OTP end to end: the email goes through @backlex/email's SMTP adapter to
// a real SMTP server on loopback, and the link or code read from it signs the user in.
import { smtpEmail } from '@backlex/email'
import { startSmtpServer, type TestSmtpServer } from '@backlex/test-utils'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import {
  dialectsUnderTest,
  errorCode,
  ORIGIN,
  sessionOf,
  startApp,
  type TestApp,
} from './helpers.js'

describe.each(dialectsUnderTest)('sign-in by email on $dialect', (dialect) => {
  let smtp: TestSmtpServer
  let t: TestApp
  beforeAll(async () => {
    smtp = await startSmtpServer()
  })
  afterAll(() => smtp.close())
  afterEach(async () => {
    await t?.close()
    await t?.db.cleanup()
  })

  const start = async () => {
    t = await startApp(await dialect.create(), {
      email: smtpEmail({ host: '127.0.0.1', port: smtp.port, from: 'Acme <auth@acme.test>' }),
      auth: { appName: 'Acme' },
    })
    return t
  }

  it('signs in with the magic link received over SMTP (and creates the user)', async () => {
    const { http, sql } = await start()
    const asked = await http.post('/api/auth/sign-in/magic-link', {
      email: 'ada@example.com',
      callbackURL: '/welcome',
    })
    expect(asked.status).toBe(200)
    const mail = await smtp.nextMailTo('ada@example.com')
    expect(mail.from).toBe('auth@acme.test')
    expect(mail.subject).toBe('Sign in to Acme')
    const link = /https?:\/\/\S+/.exec(mail.text)?.[0]
    expect(link).toMatch(new RegExp(`^${ORIGIN}/api/auth/magic-link/verify\\?token=`))
    // The token is stored hashed, never as sent.
    const token = new URL(link ?? '').searchParams.get('token') ?? ''
    const stored = await sql.selectFrom('backlex_auth_verifications').selectAll().execute()
    expect(JSON.stringify(stored)).not.toContain(token)

    const opened = await http.get(new URL(link ?? '').pathname + new URL(link ?? '').search)
    expect(opened.status).toBe(302)
    expect(opened.headers.get('location')).toBe(`${ORIGIN}/welcome`)
    const cookie = opened.headers.getSetCookie().find((c) => c.startsWith('backlex.session_token='))
    expect(cookie).toBeTruthy()
    const me = await http.get('/api/auth/principal', { cookie: cookie?.split(';')[0] ?? '' })
    expect(me.body.data).toMatchObject({ type: 'user', roles: ['admin'], admin: true })
    const users = await sql.selectFrom('backlex_auth_users').select(['email']).execute()
    expect(users).toEqual([{ email: 'ada@example.com' }])

    // A link works once.
    const again = await http.get(new URL(link ?? '').pathname + new URL(link ?? '').search)
    expect(again.headers.getSetCookie().some((c) => /^backlex\.session_token=[^;]/.test(c))).toBe(
      false,
    )
  })

  it('signs in with the one-time code received over SMTP', async () => {
    const { http } = await start()
    await http.signUp('first@example.com')
    const asked = await http.post('/api/auth/email-otp/send-verification-otp', {
      email: 'bob@example.com',
      type: 'sign-in',
    })
    expect(asked.status).toBe(200)
    const mail = await smtp.nextMailTo('bob@example.com')
    const otp = /\b(\d{6})\b/.exec(mail.text)?.[1]
    expect(otp).toBeTruthy()
    expect(mail.subject).toBe(`Your Acme code: ${otp}`)

    const wrongCode = otp === '000000' ? '111111' : '000000'
    const wrong = await http.post('/api/auth/sign-in/email-otp', {
      email: 'bob@example.com',
      otp: wrongCode,
    })
    expect(wrong.status).toBe(400)
    expect(errorCode(wrong)).toBe('INVALID_OTP')

    const signedIn = await http.post('/api/auth/sign-in/email-otp', {
      email: 'bob@example.com',
      otp,
    })
    expect(signedIn.status).toBe(200)
    const { token } = sessionOf(signedIn)
    const me = await http.get('/api/auth/principal', { bearer: token })
    expect(me.body.data).toMatchObject({ type: 'user', roles: ['authenticated'], admin: false })
  })

  it('answers 502 EMAIL_SEND_FAILED when the SMTP server cannot be reached', async () => {
    const down = await startSmtpServer()
    const port = down.port
    await down.close()
    t = await startApp(await dialect.create(), {
      email: smtpEmail({ host: '127.0.0.1', port, from: 'auth@acme.test', timeoutMs: 2000 }),
    })
    const res = await t.http.post('/api/auth/sign-in/magic-link', { email: 'ada@example.com' })
    expect(res.status).toBe(502)
    expect(errorCode(res)).toBe('EMAIL_SEND_FAILED')
    expect(JSON.stringify(res.body)).not.toContain('ECONNREFUSED')
    expect(
      t.logger.lines.some((l) => l.level === 'error' && l.message === 'auth email failed'),
    ).toBe(true)
  })

  it('answers 503 EMAIL_NOT_CONFIGURED without an Email service', async () => {
    t = await startApp(await dialect.create(), { email: null })
    for (const [path, body] of [
      ['/api/auth/sign-in/magic-link', { email: 'ada@example.com' }],
      ['/api/auth/email-otp/send-verification-otp', { email: 'ada@example.com', type: 'sign-in' }],
    ] as const) {
      const res = await t.http.post(path, body)
      expect(res.status).toBe(503)
      expect(errorCode(res)).toBe('EMAIL_NOT_CONFIGURED')
    }
    // Email + password still works.
    expect((await t.http.signUp('ada@example.com')).status).toBe(200)
  })

  it('has no magic-link or OTP endpoints when they are switched off', async () => {
    t = await startApp(await dialect.create(), { auth: { magicLink: false, emailOtp: false } })
    const res = await t.http.post('/api/auth/sign-in/magic-link', { email: 'ada@example.com' })
    expect(res.status).toBe(404)
  })
})
