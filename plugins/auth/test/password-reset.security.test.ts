// A password reset ends every session of the user: a session opened with the old (maybe
// stolen) password does not outlive it. The code arrives over a real SMTP server on loopback.
import { smtpEmail } from '@backlex/email'
import { startSmtpServer, type TestSmtpServer } from '@backlex/test-utils'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { dialectsUnderTest, errorCode, sessionOf, startApp, type TestApp } from './helpers.js'

describe.each(dialectsUnderTest)('password reset on $dialect', (dialect) => {
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

  it('ends the sessions opened before the reset', async () => {
    t = await startApp(await dialect.create(), {
      email: smtpEmail({ host: '127.0.0.1', port: smtp.port, from: 'auth@acme.test' }),
    })
    const { http, sql } = t
    const signedUp = await http.signUp('ada@example.com', 'old password 1234')
    // A second session, e.g. an attacker's with the stolen password.
    const signedIn = await http.post('/api/auth/sign-in/email', {
      email: 'ada@example.com',
      password: 'old password 1234',
    })
    expect(signedIn.status).toBe(200)
    const other = sessionOf(signedIn)
    expect((await http.get('/api/api-keys', { bearer: other.token })).status).toBe(200)

    const asked = await http.post('/api/auth/email-otp/request-password-reset', {
      email: 'ada@example.com',
    })
    expect(asked.status).toBe(200)
    const otp = /\b(\d{6})\b/.exec((await smtp.nextMailTo('ada@example.com')).text)?.[1]
    expect(otp).toBeTruthy()
    const reset = await http.post('/api/auth/email-otp/reset-password', {
      email: 'ada@example.com',
      otp,
      password: 'new password 5678',
    })
    expect(reset.status).toBe(200)

    for (const session of [other, signedUp]) {
      const res = await http.get('/api/api-keys', { bearer: session.token })
      expect(res.status).toBe(401)
      expect(errorCode(res)).toBe('UNAUTHORIZED')
      expect((await http.get('/api/auth/get-session', { cookie: session.cookie })).body).toBeNull()
    }
    expect(
      await sql
        .selectFrom('backlex_auth_sessions')
        .select('id')
        .where('user_id', '=', signedUp.userId)
        .execute(),
    ).toEqual([])

    // The new password signs in; the old one does not.
    const old = await http.post('/api/auth/sign-in/email', {
      email: 'ada@example.com',
      password: 'old password 1234',
    })
    expect(old.status).toBe(401)
    const fresh = await http.post('/api/auth/sign-in/email', {
      email: 'ada@example.com',
      password: 'new password 5678',
    })
    expect(fresh.status).toBe(200)
  })
})
