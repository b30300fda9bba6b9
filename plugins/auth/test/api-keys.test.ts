// API keys over HTTP: the secret is shown once and stored hashed, works as a bearer token,
// carries a subset of its owner's roles, and stops working once revoked.

import { afterEach, describe, expect, it } from 'vitest'
import { hashApiKeySecret } from '../src/index.js'
import { dialectsUnderTest, errorCode, manualClock, startApp, type TestApp } from './helpers.js'

describe.each(dialectsUnderTest)('API keys on $dialect', (dialect) => {
  let t: TestApp
  const start = async () => {
    t = await startApp(await dialect.create())
    const admin = await t.http.signUp('admin@example.com')
    const user = await t.http.signUp('user@example.com')
    return { ...t, admin, user }
  }
  afterEach(async () => {
    await t?.close()
    await t?.db.cleanup()
  })

  it('create -> secret once -> use -> list hides it -> revoke -> next request 401', async () => {
    const { http, sql, admin } = await start()
    const created = await http.post(
      '/api/api-keys',
      { name: 'CI deploys' },
      { bearer: admin.token },
    )
    expect(created.status).toBe(201)
    const key = created.body.data
    expect(key).toMatchObject({
      name: 'CI deploys',
      userId: admin.userId,
      roles: ['admin'],
      readOnly: false,
      tools: null,
      lastUsedAt: null,
      expiresAt: null,
      revokedAt: null,
    })
    expect(key.secret).toMatch(/^blx_[0-9A-Za-z]{40}$/)
    expect(key.prefix).toBe(key.secret.slice(0, 12))

    // Stored only as a hash.
    const rows = await sql.selectFrom('backlex_auth_api_keys').selectAll().execute()
    expect(rows).toHaveLength(1)
    expect(rows[0]?.hash).toBe(await hashApiKeySecret(key.secret))
    expect(JSON.stringify(rows)).not.toContain(key.secret)

    // Works as a bearer token.
    const me = await http.get('/api/auth/principal', { bearer: key.secret })
    expect(me.status).toBe(200)
    expect(me.body.data).toEqual({
      type: 'apiKey',
      id: key.id,
      userId: admin.userId,
      roles: ['admin'],
      admin: true,
      scopes: { readOnly: false, tools: null },
    })
    expect((await http.get('/api/roles', { bearer: key.secret })).status).toBe(200)

    // Listing never shows the secret again, but shows the use.
    const list = await http.get('/api/api-keys', { bearer: admin.token })
    expect(list.status).toBe(200)
    expect(list.body.data).toHaveLength(1)
    expect(list.body.data[0].id).toBe(key.id)
    expect(list.body.data[0].secret).toBeUndefined()
    expect(list.body.data[0].lastUsedAt).not.toBeNull()
    expect(JSON.stringify(list.body)).not.toContain(key.secret)

    // Revoke; the very next request with the key fails.
    const revoked = await http.delete(`/api/api-keys/${key.id}`, { bearer: admin.token })
    expect(revoked.status).toBe(204)
    const after = await http.get('/api/auth/principal', { bearer: key.secret })
    expect(after.status).toBe(401)
    expect(errorCode(after)).toBe('INVALID_API_KEY')
    expect(after.body.errors[0].message).toMatch(/revoked/)
    const listed = await http.get('/api/api-keys', { bearer: admin.token })
    expect(listed.body.data[0].revokedAt).not.toBeNull()
    // Revoking again changes nothing.
    expect((await http.delete(`/api/api-keys/${key.id}`, { bearer: admin.token })).status).toBe(204)
  })

  it('answers an unknown or malformed blx_ key with 401 INVALID_API_KEY, on any route', async () => {
    const { http } = await start()
    for (const bearer of ['blx_unknownunknownunknownunknownunknownunkn', 'blx_']) {
      for (const path of ['/api/auth/principal', '/api/api-keys', '/health']) {
        const res = await http.get(path, { bearer })
        expect(res.status, `${bearer} ${path}`).toBe(401)
        expect(errorCode(res)).toBe('INVALID_API_KEY')
      }
    }
  })

  it('refuses an expired key and an expiry in the past', async () => {
    const clock = manualClock()
    t = await startApp(await dialect.create(), { clock })
    const { http } = t
    const admin = await http.signUp('admin@example.com')
    const past = await http.post(
      '/api/api-keys',
      { name: 'old', expiresAt: '2000-01-01T00:00:00Z' },
      { bearer: admin.token },
    )
    expect(past.status).toBe(400)
    expect(errorCode(past)).toBe('VALIDATION_FAILED')
    const soon = await http.post(
      '/api/api-keys',
      { name: 'soon', expiresAt: new Date(clock.now().getTime() + 3_600_000).toISOString() },
      { bearer: admin.token },
    )
    expect(soon.status).toBe(201)
    expect((await http.get('/api/auth/principal', { bearer: soon.body.data.secret })).status).toBe(
      200,
    )
    // An hour passes.
    clock.advance(3_600_000)
    const expired = await http.get('/api/auth/principal', { bearer: soon.body.data.secret })
    expect(expired.status).toBe(401)
    expect(errorCode(expired)).toBe('INVALID_API_KEY')
  })

  it('lets a key carry only roles its owner holds (400 ROLES_NOT_HELD, nothing written)', async () => {
    const { http, sql, admin, user } = await start()
    expect(
      (await http.post('/api/roles', { name: 'editor' }, { bearer: admin.token })).status,
    ).toBe(201)
    const tooMuch = await http.post(
      '/api/api-keys',
      { name: 'sneaky', roles: ['admin'] },
      { bearer: user.token },
    )
    expect(tooMuch.status).toBe(400)
    expect(errorCode(tooMuch)).toBe('ROLES_NOT_HELD')
    expect(tooMuch.body.errors[0].extensions.roles).toEqual(['admin'])
    const notHeld = await http.post(
      '/api/api-keys',
      { name: 'editor key', roles: ['editor'] },
      { bearer: admin.token },
    )
    expect(notHeld.status).toBe(400)
    expect(await sql.selectFrom('backlex_auth_api_keys').selectAll().execute()).toEqual([])

    // Once the owner holds the role, the key may carry it, narrower than the owner.
    await http.post(
      `/api/users/${admin.userId}/roles`,
      { roles: ['admin', 'editor'] },
      {
        bearer: admin.token,
      },
    )
    const narrow = await http.post(
      '/api/api-keys',
      { name: 'editor key', roles: ['editor'] },
      { bearer: admin.token },
    )
    expect(narrow.status).toBe(201)
    const me = await http.get('/api/auth/principal', { bearer: narrow.body.data.secret })
    expect(me.body.data).toMatchObject({ roles: ['editor'], admin: false })
    expect((await http.get('/api/roles', { bearer: narrow.body.data.secret })).status).toBe(403)

    // A role the owner loses drops off the key on the next request.
    await http.post(
      `/api/users/${admin.userId}/roles`,
      { roles: ['admin'] },
      {
        bearer: admin.token,
      },
    )
    const later = await http.get('/api/auth/principal', { bearer: narrow.body.data.secret })
    expect(later.body.data.roles).toEqual([])
  })

  it('keeps keys private between users', async () => {
    const { http, admin, user } = await start()
    const adminKey = (await http.post('/api/api-keys', { name: 'a' }, { bearer: admin.token })).body
      .data
    const userKey = (await http.post('/api/api-keys', { name: 'u' }, { bearer: user.token })).body
      .data
    expect(userKey.roles).toEqual(['authenticated'])

    const userList = await http.get('/api/api-keys', { bearer: user.token })
    expect(userList.body.data.map((k: { id: string }) => k.id)).toEqual([userKey.id])

    // Another user's key is "not found", and stays usable.
    const steal = await http.delete(`/api/api-keys/${adminKey.id}`, { bearer: user.token })
    expect(steal.status).toBe(404)
    expect(errorCode(steal)).toBe('API_KEY_NOT_FOUND')
    const guard = await http.patch(
      `/api/api-keys/${adminKey.id}/mcp-guards`,
      { readOnly: true },
      { bearer: user.token },
    )
    expect(guard.status).toBe(404)
    expect((await http.get('/api/auth/principal', { bearer: adminKey.secret })).status).toBe(200)

    // An admin may revoke anyone's key.
    expect((await http.delete(`/api/api-keys/${userKey.id}`, { bearer: admin.token })).status).toBe(
      204,
    )
    expect((await http.get('/api/auth/principal', { bearer: userKey.secret })).status).toBe(401)
  })

  it('answers anonymous callers with 401 and writes nothing', async () => {
    const { http, sql } = await start()
    for (const res of [
      await http.get('/api/api-keys'),
      await http.post('/api/api-keys', { name: 'x' }),
      await http.delete('/api/api-keys/whatever'),
      await http.patch('/api/api-keys/whatever/mcp-guards', { readOnly: true }),
    ]) {
      expect(res.status).toBe(401)
      expect(errorCode(res)).toBe('UNAUTHORIZED')
    }
    expect(await sql.selectFrom('backlex_auth_api_keys').selectAll().execute()).toEqual([])
  })

  it('validates the body: 400 VALIDATION_FAILED with the field, nothing written', async () => {
    const { http, sql, admin } = await start()
    for (const body of [
      {},
      { name: '' },
      { name: 'x', roles: ['Not A Role'] },
      { name: 'x', tools: ['Bad Tool!'] },
      { name: 'x', readOnly: 'yes' },
      { name: 'x', expiresAt: 'tomorrow' },
    ]) {
      const res = await http.post('/api/api-keys', body, { bearer: admin.token })
      expect(res.status, JSON.stringify(body)).toBe(400)
      expect(errorCode(res)).toBe('VALIDATION_FAILED')
      expect(res.body.errors[0].extensions.issues.length).toBeGreaterThan(0)
    }
    expect(await sql.selectFrom('backlex_auth_api_keys').selectAll().execute()).toEqual([])
  })

  it('carries MCP guards: read-only keys cannot write, guards can be changed', async () => {
    const { http, admin } = await start()
    const created = await http.post(
      '/api/api-keys',
      { name: 'agent', readOnly: true, tools: ['items.list', 'items.get', 'items.list'] },
      { bearer: admin.token },
    )
    expect(created.status).toBe(201)
    const key = created.body.data
    expect(key).toMatchObject({ readOnly: true, tools: ['items.get', 'items.list'] })
    const me = await http.get('/api/auth/principal', { bearer: key.secret })
    expect(me.body.data.scopes).toEqual({ readOnly: true, tools: ['items.get', 'items.list'] })

    // Reads work; writes and key management are refused.
    expect((await http.get('/api/roles', { bearer: key.secret })).status).toBe(200)
    const write = await http.post('/api/roles', { name: 'x' }, { bearer: key.secret })
    expect(write.status).toBe(403)
    expect(errorCode(write)).toBe('READ_ONLY_KEY')
    const mint = await http.post('/api/api-keys', { name: 'y' }, { bearer: key.secret })
    expect(mint.status).toBe(403)
    expect(errorCode(mint)).toBe('READ_ONLY_KEY')

    const empty = await http.patch(
      `/api/api-keys/${key.id}/mcp-guards`,
      {},
      {
        bearer: admin.token,
      },
    )
    expect(empty.status).toBe(400)
    const changed = await http.patch(
      `/api/api-keys/${key.id}/mcp-guards`,
      { readOnly: false, tools: null },
      { bearer: admin.token },
    )
    expect(changed.status).toBe(200)
    expect(changed.body.data).toMatchObject({ id: key.id, readOnly: false, tools: null })
    const now = await http.get('/api/auth/principal', { bearer: key.secret })
    expect(now.body.data.scopes).toEqual({ readOnly: false, tools: null })
  })

  it('lets an unrestricted key mint narrower keys, but not a tool-limited key', async () => {
    const { http, admin } = await start()
    const full = (await http.post('/api/api-keys', { name: 'full' }, { bearer: admin.token })).body
      .data
    const child = await http.post(
      '/api/api-keys',
      { name: 'child', readOnly: true },
      { bearer: full.secret },
    )
    expect(child.status).toBe(201)
    expect(child.body.data).toMatchObject({ userId: admin.userId, roles: ['admin'] })
    const limited = (
      await http.post('/api/api-keys', { name: 'limited', tools: ['a.b'] }, { bearer: admin.token })
    ).body.data
    const escalate = await http.post('/api/api-keys', { name: 'wider' }, { bearer: limited.secret })
    expect(escalate.status).toBe(403)
    expect(errorCode(escalate)).toBe('TOOL_LIMITED_KEY')
    const widen = await http.patch(
      `/api/api-keys/${limited.id}/mcp-guards`,
      { tools: null },
      { bearer: limited.secret },
    )
    expect(widen.status).toBe(403)
  })
})
