// Rate limits on sign-in, sign-up and email-sending endpoints: 429 with Retry-After.
import { afterEach, describe, expect, it } from 'vitest'
import { dialectsUnderTest, errorCode, startApp, type TestApp } from './helpers.js'

describe.each(dialectsUnderTest)('rate limits on $dialect', (dialect) => {
  let t: TestApp
  afterEach(async () => {
    await t?.close()
    await t?.db.cleanup()
  })

  const limits = { signIn: 2, signUp: 2, email: 2, windowSeconds: 120 }

  it('answers the request past the sign-in limit with 429 and Retry-After', async () => {
    t = await startApp(await dialect.create(), { auth: { rateLimit: limits } })
    const { http } = t
    await http.signUp('ada@example.com')
    const attempt = () =>
      http.post('/api/auth/sign-in/email', { email: 'ada@example.com', password: 'wrong password' })
    expect((await attempt()).status).toBe(401)
    expect((await attempt()).status).toBe(401)
    const limited = await attempt()
    expect(limited.status).toBe(429)
    expect(errorCode(limited)).toBe('RATE_LIMITED')
    const retryAfter = Number(limited.headers.get('retry-after'))
    expect(retryAfter).toBeGreaterThanOrEqual(1)
    expect(retryAfter).toBeLessThanOrEqual(120)
    expect(limited.body.errors[0].extensions.retryAfter).toBe(retryAfter)
    // Even the right password waits for the window.
    const right = await http.post('/api/auth/sign-in/email', {
      email: 'ada@example.com',
      password: 'correct horse battery',
    })
    expect(right.status).toBe(429)
  })

  it('limits sign-ups, and a refused sign-up writes nothing', async () => {
    t = await startApp(await dialect.create(), { auth: { rateLimit: limits } })
    const { http, sql } = t
    await http.signUp('a@example.com')
    await http.signUp('b@example.com')
    const limited = await http.post('/api/auth/sign-up/email', {
      email: 'c@example.com',
      password: 'correct horse battery',
      name: 'C',
    })
    expect(limited.status).toBe(429)
    expect(limited.headers.get('retry-after')).toMatch(/^\d+$/)
    expect(await sql.selectFrom('backlex_auth_users').selectAll().execute()).toHaveLength(2)
  })

  it('limits magic-link and OTP requests together', async () => {
    t = await startApp(await dialect.create(), { auth: { rateLimit: limits } })
    const { http, logger } = t
    expect(
      (await http.post('/api/auth/sign-in/magic-link', { email: 'a@example.com' })).status,
    ).toBe(200)
    expect(
      (
        await http.post('/api/auth/email-otp/send-verification-otp', {
          email: 'a@example.com',
          type: 'sign-in',
        })
      ).status,
    ).toBe(200)
    const limited = await http.post('/api/auth/sign-in/magic-link', { email: 'b@example.com' })
    expect(limited.status).toBe(429)
    expect(limited.headers.get('retry-after')).toBeTruthy()
    const sent = logger.lines.filter((l) => l.message.startsWith('email'))
    expect(sent.map((l) => l.fields.to)).toEqual([['a@example.com'], ['a@example.com']])
  })

  it('counts per client address behind a trusted proxy', async () => {
    t = await startApp(await dialect.create(), {
      auth: { rateLimit: { ...limits, signUp: 1 }, trustProxy: true },
    })
    const { http } = t
    const signUp = (email: string, ip: string) =>
      http.request('POST', '/api/auth/sign-up/email', {
        body: { email, password: 'correct horse battery', name: 'X' },
        headers: { 'x-forwarded-for': ip },
      })
    expect((await signUp('a@example.com', '203.0.113.1')).status).toBe(200)
    expect((await signUp('b@example.com', '203.0.113.1')).status).toBe(429)
    expect((await signUp('c@example.com', '203.0.113.2')).status).toBe(200)
    // A client cannot pick a fresh address by prepending one: the proxy's entry counts.
    expect((await signUp('d@example.com', '198.51.100.9, 203.0.113.2')).status).toBe(429)
  })

  it('does not limit other auth endpoints', async () => {
    t = await startApp(await dialect.create(), { auth: { rateLimit: { ...limits, signIn: 1 } } })
    const { http } = t
    const ada = await http.signUp('ada@example.com')
    for (let i = 0; i < 5; i++) {
      expect((await http.get('/api/auth/get-session', { bearer: ada.token })).status).toBe(200)
    }
  })
})
