// Email + password sign-up, sign-in, sign-out; sessions as cookies and bearer tokens; the
// principal the kernel resolves from them.
import { afterEach, describe, expect, it } from 'vitest'
import { dialectsUnderTest, errorCode, sessionOf, startApp, type TestApp } from './helpers.js'

describe.each(dialectsUnderTest)('sessions on $dialect', (dialect) => {
  let t: TestApp
  const start = async () => {
    t = await startApp(await dialect.create())
    return t
  }
  afterEach(async () => {
    await t?.close()
    await t?.db.cleanup()
  })

  it('signs up: 200 with the user, a session cookie and a bearer token, rows written', async () => {
    const { http, sql } = await start()
    const res = await http.post('/api/auth/sign-up/email', {
      email: 'Ada@Example.com',
      password: 'correct horse battery',
      name: 'Ada',
    })
    expect(res.status).toBe(200)
    expect(res.body.user).toMatchObject({ email: 'ada@example.com', name: 'Ada' })
    const cookie = res.headers.getSetCookie().find((c) => c.startsWith('backlex.session_token='))
    expect(cookie).toMatch(/HttpOnly/)
    expect(cookie).toMatch(/SameSite=Lax/)
    expect(res.headers.get('set-auth-token')).toBeTruthy()
    const users = await sql.selectFrom('backlex_auth_users').select(['id', 'email']).execute()
    expect(users).toEqual([{ id: res.body.user.id, email: 'ada@example.com' }])
    const accounts = await sql
      .selectFrom('backlex_auth_accounts')
      .select(['user_id', 'provider_id', 'password'])
      .execute()
    expect(accounts).toHaveLength(1)
    expect(accounts[0]).toMatchObject({ user_id: res.body.user.id, provider_id: 'credential' })
    expect(accounts[0]?.password).not.toContain('correct horse battery')
    expect(await sql.selectFrom('backlex_auth_sessions').selectAll().execute()).toHaveLength(1)
  })

  it('rejects bad sign-up input with 400 VALIDATION_FAILED and writes nothing', async () => {
    const { http, sql } = await start()
    for (const body of [
      { email: 'not-an-email', password: 'correct horse battery', name: 'X' },
      { email: 'x@example.com', password: 'short', name: 'X' },
      { email: 'x@example.com', name: 'X' },
    ]) {
      const res = await http.post('/api/auth/sign-up/email', body)
      expect(res.status, JSON.stringify(body)).toBe(400)
      expect(errorCode(res)).toMatch(/VALIDATION_FAILED|PASSWORD_TOO_SHORT/)
      expect(res.body.errors[0].message).toBeTruthy()
    }
    expect(await sql.selectFrom('backlex_auth_users').selectAll().execute()).toEqual([])
  })

  it('refuses a second sign-up with the same email', async () => {
    const { http, sql } = await start()
    await http.signUp('ada@example.com')
    const res = await http.post('/api/auth/sign-up/email', {
      email: 'ada@example.com',
      password: 'another password!',
      name: 'Imposter',
    })
    expect(res.status).toBe(422)
    expect(errorCode(res)).toBe('USER_ALREADY_EXISTS_USE_ANOTHER_EMAIL')
    expect(await sql.selectFrom('backlex_auth_users').selectAll().execute()).toHaveLength(1)
  })

  it('signs in with the right password only', async () => {
    const { http } = await start()
    await http.signUp('ada@example.com', 'correct horse battery')
    const wrong = await http.post('/api/auth/sign-in/email', {
      email: 'ada@example.com',
      password: 'wrong horse battery',
    })
    expect(wrong.status).toBe(401)
    expect(errorCode(wrong)).toBe('INVALID_EMAIL_OR_PASSWORD')
    expect(wrong.headers.getSetCookie()).toEqual([])
    const unknown = await http.post('/api/auth/sign-in/email', {
      email: 'nobody@example.com',
      password: 'correct horse battery',
    })
    expect(unknown.status).toBe(401)
    expect(errorCode(unknown)).toBe('INVALID_EMAIL_OR_PASSWORD')
    const right = await http.post('/api/auth/sign-in/email', {
      email: 'ada@example.com',
      password: 'correct horse battery',
    })
    expect(right.status).toBe(200)
    expect(sessionOf(right).token).toBeTruthy()
  })

  it('resolves the session principal from a cookie and from a bearer token', async () => {
    const { http } = await start()
    const ada = await http.signUp('ada@example.com')
    const signIn = await http.post('/api/auth/sign-in/email', {
      email: 'ada@example.com',
      password: 'correct horse battery',
    })
    const { cookie, token } = sessionOf(signIn)
    for (const as of [{ cookie }, { bearer: token }]) {
      const res = await http.get('/api/auth/principal', as)
      expect(res.status).toBe(200)
      expect(res.body.data).toEqual({
        type: 'user',
        id: ada.userId,
        userId: ada.userId,
        roles: ['admin'],
        admin: true,
        scopes: null,
      })
    }
    const session = await http.get('/api/auth/get-session', { bearer: token })
    expect(session.body.user.email).toBe('ada@example.com')
  })

  it('treats no credentials, a forged cookie and an unknown bearer token as anonymous', async () => {
    const { http } = await start()
    await http.signUp('ada@example.com')
    const anonymous = {
      type: 'anonymous',
      id: null,
      userId: null,
      roles: ['public'],
      admin: false,
      scopes: null,
    }
    expect((await http.get('/api/auth/principal')).body.data).toEqual(anonymous)
    const forged = await http.get('/api/auth/principal', {
      cookie: 'backlex.session_token=forged.value',
    })
    expect(forged.body.data).toEqual(anonymous)
    const unknown = await http.get('/api/auth/principal', { bearer: 'not-a-session-token' })
    expect(unknown.body.data).toEqual(anonymous)
  })

  it('signs out: the cookie is cleared and the session stops working', async () => {
    const { http, sql } = await start()
    const ada = await http.signUp('ada@example.com')
    const out = await http.post('/api/auth/sign-out', {}, { cookie: ada.cookie })
    expect(out.status).toBe(200)
    expect(out.body).toEqual({ success: true })
    expect(
      out.headers.getSetCookie().some((c) => /^backlex\.session_token=;.*Max-Age=0/.test(c)),
    ).toBe(true)
    expect((await http.get('/api/auth/principal', { cookie: ada.cookie })).body.data.type).toBe(
      'anonymous',
    )
    expect((await http.get('/api/auth/principal', { bearer: ada.token })).body.data.type).toBe(
      'anonymous',
    )
    expect(await sql.selectFrom('backlex_auth_sessions').selectAll().execute()).toEqual([])
  })

  it('signs out a bearer-token session', async () => {
    const { http } = await start()
    const ada = await http.signUp('ada@example.com')
    const out = await http.post('/api/auth/sign-out', {}, { bearer: ada.token })
    expect(out.status).toBe(200)
    expect((await http.get('/api/auth/principal', { bearer: ada.token })).body.data.type).toBe(
      'anonymous',
    )
  })

  it('refuses a cookie-authenticated sign-out from another origin (CSRF)', async () => {
    const { http } = await start()
    const ada = await http.signUp('ada@example.com')
    const res = await http.request('POST', '/api/auth/sign-out', {
      body: {},
      headers: { cookie: ada.cookie, origin: 'https://evil.example' },
    })
    expect(res.status).toBe(403)
    expect(errorCode(res)).toBe('INVALID_ORIGIN')
    expect((await http.get('/api/auth/principal', { cookie: ada.cookie })).body.data.type).toBe(
      'user',
    )
  })
})
