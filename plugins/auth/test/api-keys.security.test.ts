// API keys take their MCP guards under the documented names (`mcpReadOnly`, `mcpTools`), and
// every body of auth's own routes and tools refuses unknown keys: a misspelt guard must not
// silently create an unrestricted key.
import type { Principal } from '@backlex/kernel'
import { afterEach, describe, expect, it } from 'vitest'
import { dialectsUnderTest, errorCode, startApp, type TestApp } from './helpers.js'

describe.each(dialectsUnderTest)('API key guards and strict bodies on $dialect', (dialect) => {
  let t: TestApp
  afterEach(async () => {
    await t?.close()
    await t?.db.cleanup()
  })
  const start = async () => {
    t = await startApp(await dialect.create())
    const admin = await t.http.signUp('admin@example.com')
    return { ...t, admin }
  }
  const principalOf = async (bearer: string): Promise<Principal> => {
    const { data } = (await t.http.get('/api/auth/principal', { bearer })).body
    return { ...data, scopes: data.scopes ?? undefined }
  }

  it('creates a read-only, tool-limited key from mcpReadOnly and mcpTools', async () => {
    const { http, app, admin } = await start()
    const created = await http.post(
      '/api/api-keys',
      { name: 'agent', mcpReadOnly: true, mcpTools: ['roles.list', 'api_keys.list'] },
      { bearer: admin.token },
    )
    expect(created.status).toBe(201)
    const key = created.body.data
    expect(key).toMatchObject({ readOnly: true, tools: ['api_keys.list', 'roles.list'] })
    const principal = await principalOf(key.secret)
    expect(principal.scopes).toEqual({ readOnly: true, tools: ['api_keys.list', 'roles.list'] })

    // Read-only: a write with it is refused, over REST and as a tool.
    const write = await http.post('/api/roles', { name: 'editor' }, { bearer: key.secret })
    expect(write.status).toBe(403)
    expect(errorCode(write)).toBe('READ_ONLY_KEY')
    const caller = { principal, workspace: 'main' }
    await expect(app.tools.call('roles.create', { name: 'editor' }, caller)).rejects.toMatchObject({
      status: 403,
    })
    await expect(app.tools.call('api_keys.list', {}, caller)).resolves.toMatchObject({
      data: expect.any(Array),
    })

    // Tool-limited: a tool outside the list is refused, one inside runs.
    const limited = (
      await http.post(
        '/api/api-keys',
        { name: 'ops', mcpTools: ['roles.list'] },
        { bearer: admin.token },
      )
    ).body.data
    expect(limited).toMatchObject({ readOnly: false, tools: ['roles.list'] })
    const limitedCaller = { principal: await principalOf(limited.secret), workspace: 'main' }
    await expect(app.tools.call('users.list', {}, limitedCaller)).rejects.toMatchObject({
      code: 'TOOL_NOT_ALLOWED',
    })
    await expect(app.tools.call('roles.list', {}, limitedCaller)).resolves.toMatchObject({
      data: expect.any(Array),
    })
  })

  it('changes guards with mcpReadOnly / mcpTools (and the readOnly / tools aliases)', async () => {
    const { http, admin } = await start()
    const key = (await http.post('/api/api-keys', { name: 'ci' }, { bearer: admin.token })).body
      .data
    const guarded = await http.patch(
      `/api/api-keys/${key.id}/mcp-guards`,
      { mcpReadOnly: true, mcpTools: ['roles.list'] },
      { bearer: admin.token },
    )
    expect(guarded.status).toBe(200)
    expect(guarded.body.data).toMatchObject({ readOnly: true, tools: ['roles.list'] })
    expect((await principalOf(key.secret)).scopes).toEqual({
      readOnly: true,
      tools: ['roles.list'],
    })
    const aliased = await http.patch(
      `/api/api-keys/${key.id}/mcp-guards`,
      { readOnly: false, tools: null },
      { bearer: admin.token },
    )
    expect(aliased.body.data).toMatchObject({ readOnly: false, tools: null })

    // Both spellings of one guard are ambiguous: 400, nothing changed.
    const both = await http.patch(
      `/api/api-keys/${key.id}/mcp-guards`,
      { mcpReadOnly: true, readOnly: false },
      { bearer: admin.token },
    )
    expect(both.status).toBe(400)
    expect(errorCode(both)).toBe('VALIDATION_FAILED')
    expect((await principalOf(key.secret)).scopes).toEqual({ readOnly: false, tools: null })
  })

  it('refuses unknown keys with 400 VALIDATION_FAILED on every body, writing nothing', async () => {
    const { http, sql, admin, app } = await start()
    const as = { bearer: admin.token }
    const key = (await http.post('/api/api-keys', { name: 'kept' }, as)).body.data
    const keysBefore = await sql.selectFrom('backlex_auth_api_keys').selectAll().execute()
    const user = await http.signUp('user@example.com')

    const cases: [string, string, unknown][] = [
      ['POST', '/api/api-keys', { name: 'agent', mcpReadonly: true }],
      ['POST', '/api/api-keys', { name: 'agent', mcp_tools: ['roles.list'] }],
      ['PATCH', `/api/api-keys/${key.id}/mcp-guards`, { mcpReadOnly: true, scope: 'all' }],
      ['POST', '/api/roles', { name: 'editor', permissions: ['*'] }],
      ['PATCH', '/api/roles/authenticated', { description: 'x', builtIn: false }],
      ['POST', `/api/users/${user.userId}/roles`, { roles: ['admin'], workspace: 'other' }],
    ]
    for (const [method, path, body] of cases) {
      const res = await http.request(method, path, { body, as })
      expect(res.status, `${method} ${path}`).toBe(400)
      expect(errorCode(res)).toBe('VALIDATION_FAILED')
      expect(JSON.stringify(res.body.errors[0].extensions.issues)).toMatch(/Unrecognized key/)
    }
    expect(await sql.selectFrom('backlex_auth_api_keys').selectAll().execute()).toEqual(keysBefore)
    expect(
      await sql
        .selectFrom('backlex_auth_roles')
        .select('name')
        .where('name', '=', 'editor')
        .execute(),
    ).toEqual([])
    const [authenticated] = await sql
      .selectFrom('backlex_auth_roles')
      .select('description')
      .where('name', '=', 'authenticated')
      .where('workspace', '=', 'main')
      .execute()
    expect(authenticated?.description).not.toBe('x')
    expect((await http.get(`/api/users?search=user@example.com`, as)).body.data[0].roles).toEqual([
      'authenticated',
    ])

    // The tools take the same bodies.
    const caller = { principal: await principalOf(admin.token), workspace: 'main' }
    for (const [name, input] of [
      ['api_keys.create', { name: 'agent', mcpReadonly: true }],
      ['api_keys.set_guards', { id: key.id, readOnly: true, extra: 1 }],
      ['api_keys.list', { userId: user.userId }],
      ['api_keys.revoke', { id: key.id, force: true }],
      ['roles.create', { name: 'editor', extra: 1 }],
      ['roles.update', { name: 'authenticated', description: 'x', extra: 1 }],
      ['roles.delete', { name: 'editor', cascade: true }],
      ['roles.list', { workspace: 'other' }],
      ['users.list', { workspace: 'other' }],
      ['users.set_roles', { userId: user.userId, roles: ['admin'], extra: 1 }],
    ] as const) {
      await expect(app.tools.call(name, input, caller), name).rejects.toMatchObject({
        code: 'VALIDATION_FAILED',
      })
    }
    expect(await sql.selectFrom('backlex_auth_api_keys').selectAll().execute()).toEqual(keysBefore)
  })
})
