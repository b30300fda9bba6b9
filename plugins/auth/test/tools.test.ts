// The kernel tools of @backlex/auth run as the caller, with the same rules as the routes.
import type { Principal } from '@backlex/kernel'
import { afterEach, describe, expect, it } from 'vitest'
import { dialectsUnderTest, startApp, type TestApp } from './helpers.js'

describe.each(dialectsUnderTest)('auth tools on $dialect', (dialect) => {
  let t: TestApp
  afterEach(async () => {
    await t?.close()
    await t?.db.cleanup()
  })

  const principalOf = async (bearer: string): Promise<Principal> => {
    const { data } = (await t.http.get('/api/auth/principal', { bearer })).body
    return { ...data, scopes: data.scopes ?? undefined }
  }

  it('registers every tool with an annotation and a JSON schema', async () => {
    t = await startApp(await dialect.create())
    const tools = Object.fromEntries(
      t.app.tools
        .list()
        .filter((tool) => tool.plugin === '@backlex/auth')
        .map((tool) => [tool.name, tool.annotation]),
    )
    expect(tools).toEqual({
      'api_keys.list': 'read',
      'api_keys.create': 'write',
      'api_keys.revoke': 'destructive',
      'api_keys.set_guards': 'write',
      'roles.list': 'admin',
      'roles.create': 'admin',
      'roles.update': 'admin',
      'roles.delete': 'admin',
      'users.list': 'admin',
      'users.set_roles': 'admin',
    })
    const setRoles = t.app.tools.list().find((tool) => tool.name === 'users.set_roles')
    expect(setRoles?.inputSchema).toMatchObject({
      type: 'object',
      required: expect.arrayContaining(['userId', 'roles']),
    })
  })

  it('runs admin tools for admins only, and key tools for the caller', async () => {
    t = await startApp(await dialect.create())
    const admin = await t.http.signUp('admin@example.com')
    const user = await t.http.signUp('user@example.com')
    const asAdmin = { principal: await principalOf(admin.token), workspace: 'main' }
    const asUser = { principal: await principalOf(user.token), workspace: 'main' }
    const tools = t.app.tools

    await expect(tools.call('roles.list', {}, asUser)).rejects.toMatchObject({
      code: 'FORBIDDEN',
    })
    const created = (await tools.call('roles.create', { name: 'editor' }, asAdmin)) as {
      data: { name: string }
    }
    expect(created.data.name).toBe('editor')
    await expect(tools.call('roles.create', { name: 'editor' }, asAdmin)).rejects.toMatchObject({
      code: 'ROLE_EXISTS',
    })
    const set = (await tools.call(
      'users.set_roles',
      { userId: user.userId, roles: ['editor'] },
      asAdmin,
    )) as { data: { roles: string[] } }
    expect(set.data.roles).toEqual(['editor'])
    const users = (await tools.call('users.list', { search: 'user@' }, asAdmin)) as {
      data: { email: string; roles: string[] }[]
      meta: { total: number }
    }
    expect(users.data).toEqual([
      expect.objectContaining({ email: 'user@example.com', roles: ['editor'] }),
    ])

    const editor = { principal: await principalOf(user.token), workspace: 'main' }
    const key = (await tools.call('api_keys.create', { name: 'from a tool' }, editor)) as {
      data: { id: string; secret: string; roles: string[] }
    }
    expect(key.data.roles).toEqual(['editor'])
    expect((await t.http.get('/api/auth/principal', { bearer: key.data.secret })).status).toBe(200)
    const listed = (await tools.call('api_keys.list', {}, editor)) as { data: unknown[] }
    expect(JSON.stringify(listed)).not.toContain(key.data.secret)
    await tools.call('api_keys.set_guards', { id: key.data.id, readOnly: true }, editor)
    await tools.call('api_keys.revoke', { id: key.data.id }, editor)
    expect((await t.http.get('/api/auth/principal', { bearer: key.data.secret })).status).toBe(401)

    const anonymous = await principalOf('')
    await expect(
      tools.call('api_keys.create', { name: 'x' }, { principal: anonymous, workspace: 'main' }),
    ).rejects.toMatchObject({ code: 'UNAUTHORIZED' })
    await expect(tools.call('api_keys.create', { name: '' }, editor)).rejects.toMatchObject({
      code: 'VALIDATION_FAILED',
    })
  })
})
