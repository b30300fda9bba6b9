// Cookie-authenticated writes on every route, not only /api/auth/**, must come from a trusted
// origin: a foreign page the user visits cannot make their browser create an API key. Bearer
// tokens and API keys are not sent by browsers on their own and are not checked.
import { afterEach, describe, expect, it } from 'vitest'
import {
  dialectsUnderTest,
  errorCode,
  ORIGIN,
  type StartOptions,
  startApp,
  type TestApp,
} from './helpers.js'

const EVIL = 'http://evil.example'

describe.each(dialectsUnderTest)('cookie-authenticated writes on $dialect', (dialect) => {
  let t: TestApp
  afterEach(async () => {
    await t?.close()
    await t?.db.cleanup()
  })
  const start = async (options: StartOptions = {}) => {
    t = await startApp(await dialect.create(), options)
    return t
  }
  const keyCount = async () =>
    (await t.sql.selectFrom('backlex_auth_api_keys').select('id').execute()).length

  it('refuses a write from a foreign Origin or with none, and writes nothing', async () => {
    const { http, sql } = await start()
    const { cookie } = await http.signUp('ada@example.com')
    const refused = [
      [{ origin: EVIL }, 'INVALID_ORIGIN'],
      [{ origin: null }, 'MISSING_OR_NULL_ORIGIN'],
      [{ origin: 'null' }, 'MISSING_OR_NULL_ORIGIN'],
      [{ origin: null, headers: { referer: `${EVIL}/page` } }, 'INVALID_ORIGIN'],
      // Same host, other scheme or port: another origin.
      [{ origin: 'https://localhost' }, 'INVALID_ORIGIN'],
      [{ origin: 'http://localhost:8080' }, 'INVALID_ORIGIN'],
    ] as const
    for (const [options, code] of refused) {
      const res = await http.request('POST', '/api/api-keys', {
        body: { name: 'stolen' },
        as: { cookie },
        ...options,
      })
      expect(res.status, JSON.stringify(options)).toBe(403)
      expect(errorCode(res)).toBe(code)
    }
    expect(await keyCount()).toBe(0)

    // Other routes and methods too: roles (admin), a key's guards, revoking a key.
    const role = await http.request('POST', '/api/roles', {
      body: { name: 'editor' },
      as: { cookie },
      origin: EVIL,
    })
    expect(role.status).toBe(403)
    expect(
      await sql
        .selectFrom('backlex_auth_roles')
        .select('name')
        .where('name', '=', 'editor')
        .execute(),
    ).toEqual([])
    const key = (await http.post('/api/api-keys', { name: 'mine' }, { cookie })).body.data
    const patched = await http.request('PATCH', `/api/api-keys/${key.id}/mcp-guards`, {
      body: { mcpReadOnly: true },
      as: { cookie },
      origin: EVIL,
    })
    expect(patched.status).toBe(403)
    const revoked = await http.request('DELETE', `/api/api-keys/${key.id}`, {
      as: { cookie },
      origin: null,
    })
    expect(revoked.status).toBe(403)
    const [row] = await sql
      .selectFrom('backlex_auth_api_keys')
      .select(['read_only', 'revoked_at'])
      .execute()
    expect(Boolean(row?.read_only)).toBe(false)
    expect(row?.revoked_at).toBeNull()
  })

  it('lets the same write through from a trusted origin, by Origin or Referer', async () => {
    const { http } = await start({ auth: { trustedOrigins: ['https://app.acme.test'] } })
    const { cookie } = await http.signUp('ada@example.com')
    for (const options of [
      { origin: ORIGIN },
      { origin: 'https://app.acme.test' },
      { origin: null, headers: { referer: `${ORIGIN}/admin/keys` } },
    ]) {
      const res = await http.request('POST', '/api/api-keys', {
        body: { name: 'ok' },
        as: { cookie },
        ...options,
      })
      expect(res.status, JSON.stringify(options)).toBe(201)
    }
    expect(await keyCount()).toBe(3)
  })

  it('does not check reads, bearer tokens or API keys', async () => {
    const { http } = await start()
    const { cookie, token } = await http.signUp('ada@example.com')
    const read = await http.request('GET', '/api/api-keys', { as: { cookie }, origin: EVIL })
    expect(read.status).toBe(200)
    const bySession = await http.post('/api/api-keys', { name: 'script' }, { bearer: token })
    expect(bySession.status).toBe(201)
    const byKey = await http.post(
      '/api/api-keys',
      { name: 'ci' },
      { bearer: bySession.body.data.secret },
    )
    expect(byKey.status).toBe(201)
    expect(await keyCount()).toBe(2)
  })

  it('does not let a bad bearer token carry the cookie past the check', async () => {
    const { http } = await start()
    const { cookie } = await http.signUp('ada@example.com')
    const res = await http.request('POST', '/api/api-keys', {
      body: { name: 'stolen' },
      as: { cookie, bearer: 'forged.token' },
      origin: null,
    })
    expect(res.status).toBe(401)
    expect(await keyCount()).toBe(0)
  })

  it('in dev without baseURL, trusts the listening address under its loopback names', async () => {
    const { http } = await start({
      dev: true,
      listenURL: 'http://127.0.0.1:4321',
      auth: { baseURL: undefined },
    })
    const base = 'http://localhost:4321'
    const { cookie } = await http.signUp('ada@example.com')
    for (const origin of ['http://127.0.0.1:4321', 'http://localhost:4321', 'http://[::1]:4321']) {
      const res = await http.request('POST', '/api/api-keys', {
        body: { name: 'ok' },
        as: { cookie },
        origin,
        base,
      })
      expect(res.status, origin).toBe(201)
    }
    for (const origin of ['http://localhost:9999', EVIL]) {
      const res = await http.request('POST', '/api/api-keys', {
        body: { name: 'stolen' },
        as: { cookie },
        origin,
        base,
      })
      expect(res.status, origin).toBe(403)
      expect(errorCode(res)).toBe('INVALID_ORIGIN')
    }
    expect(await keyCount()).toBe(3)
    // better-auth's own routes agree.
    const signedOut = await http.request('POST', '/api/auth/sign-out', {
      body: {},
      as: { cookie },
      origin: 'http://localhost:4321',
      base,
    })
    expect(signedOut.status).toBe(200)
  })

  it('without baseURL, trusts the server origin the request was addressed to', async () => {
    const { http } = await start({ email: null, auth: { baseURL: undefined } })
    const { cookie } = await http.signUp('ada@example.com')
    const own = await http.request('POST', '/api/api-keys', {
      body: { name: 'ok' },
      as: { cookie },
      origin: ORIGIN,
    })
    expect(own.status).toBe(201)
    const foreign = await http.request('POST', '/api/api-keys', {
      body: { name: 'stolen' },
      as: { cookie },
      origin: EVIL,
    })
    expect(foreign.status).toBe(403)
    expect(errorCode(foreign)).toBe('INVALID_ORIGIN')
    expect(await keyCount()).toBe(1)
  })
})
