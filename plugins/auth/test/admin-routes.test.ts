// Users and roles routes: admins only. Anonymous callers get 401, other users 403.
import { afterEach, describe, expect, it } from 'vitest'
import { dialectsUnderTest, errorCode, startApp, type TestApp } from './helpers.js'

describe.each(dialectsUnderTest)('users and roles routes on $dialect', (dialect) => {
  let t: TestApp
  const start = async () => {
    t = await startApp(await dialect.create())
    const admin = await t.http.signUp('admin@example.com', 'correct horse battery', 'Admin')
    const user = await t.http.signUp('user@example.com', 'correct horse battery', 'User')
    return { ...t, admin, user }
  }
  afterEach(async () => {
    await t?.close()
    await t?.db.cleanup()
  })

  const routes = (userId: string) =>
    [
      ['GET', '/api/users', undefined],
      ['POST', `/api/users/${userId}/roles`, { roles: ['admin'] }],
      ['GET', '/api/roles', undefined],
      ['POST', '/api/roles', { name: 'editor' }],
      ['PATCH', '/api/roles/authenticated', { description: 'x' }],
      ['DELETE', '/api/roles/authenticated', undefined],
    ] as const

  it('answers anonymous callers 401 and other users 403, changing nothing', async () => {
    const { http, sql, user } = await start()
    for (const [method, path, body] of routes(user.userId)) {
      const anonymous = await http.request(method, path, body ? { body } : {})
      expect(anonymous.status, `${method} ${path}`).toBe(401)
      expect(errorCode(anonymous)).toBe('UNAUTHORIZED')
      const other = await http.request(method, path, {
        ...(body ? { body } : {}),
        as: { bearer: user.token },
      })
      expect(other.status, `${method} ${path}`).toBe(403)
      expect(errorCode(other)).toBe('FORBIDDEN')
    }
    const roles = await sql.selectFrom('backlex_auth_user_roles').select('role').execute()
    expect(roles.map((r) => r.role).sort()).toEqual(['admin', 'authenticated'])
    const names = await sql.selectFrom('backlex_auth_roles').select('name').execute()
    expect(names.map((r) => r.name).sort()).toEqual(['admin', 'authenticated', 'public'])
  })

  it('lists users with their roles, paged and searchable', async () => {
    const { http, admin, user } = await start()
    const all = await http.get('/api/users', { bearer: admin.token })
    expect(all.status).toBe(200)
    expect(all.body.meta).toEqual({ total: 2, limit: 50, offset: 0 })
    expect(all.body.data).toEqual([
      {
        id: admin.userId,
        name: 'Admin',
        email: 'admin@example.com',
        emailVerified: false,
        createdAt: expect.any(String),
        roles: ['admin'],
      },
      {
        id: user.userId,
        name: 'User',
        email: 'user@example.com',
        emailVerified: false,
        createdAt: expect.any(String),
        roles: ['authenticated'],
      },
    ])
    const page = await http.get('/api/users?limit=1&offset=1', { bearer: admin.token })
    expect(page.body.data.map((u: { id: string }) => u.id)).toEqual([user.userId])
    expect(page.body.meta.total).toBe(2)
    const search = await http.get('/api/users?search=USER%40', { bearer: admin.token })
    expect(search.body.data.map((u: { id: string }) => u.id)).toEqual([user.userId])
    expect(search.body.meta.total).toBe(1)
    const wildcard = await http.get('/api/users?search=%25', { bearer: admin.token })
    expect(wildcard.body.data).toEqual([])
    const bad = await http.get('/api/users?limit=0', { bearer: admin.token })
    expect(bad.status).toBe(400)
    expect(errorCode(bad)).toBe('VALIDATION_FAILED')
  })

  it('manages roles: create, describe, assign, delete; built-ins stay', async () => {
    const { http, sql, admin, user } = await start()
    const listed = await http.get('/api/roles', { bearer: admin.token })
    expect(
      listed.body.data.map((r: { name: string; builtIn: boolean }) => [r.name, r.builtIn]),
    ).toEqual([
      ['admin', true],
      ['authenticated', true],
      ['public', true],
    ])

    const created = await http.post(
      '/api/roles',
      { name: 'editor', description: 'Edits articles' },
      { bearer: admin.token },
    )
    expect(created.status).toBe(201)
    expect(created.body.data).toMatchObject({
      name: 'editor',
      description: 'Edits articles',
      builtIn: false,
    })
    const dup = await http.post('/api/roles', { name: 'editor' }, { bearer: admin.token })
    expect(dup.status).toBe(409)
    expect(errorCode(dup)).toBe('ROLE_EXISTS')
    const badName = await http.post('/api/roles', { name: 'Editor Role' }, { bearer: admin.token })
    expect(badName.status).toBe(400)
    expect(errorCode(badName)).toBe('VALIDATION_FAILED')

    const patched = await http.patch(
      '/api/roles/editor',
      { description: 'Edits everything' },
      { bearer: admin.token },
    )
    expect(patched.status).toBe(200)
    expect(patched.body.data.description).toBe('Edits everything')
    const missing = await http.patch(
      '/api/roles/ghost',
      { description: null },
      {
        bearer: admin.token,
      },
    )
    expect(missing.status).toBe(404)
    expect(errorCode(missing)).toBe('ROLE_NOT_FOUND')

    const assigned = await http.post(
      `/api/users/${user.userId}/roles`,
      { roles: ['editor', 'authenticated'] },
      { bearer: admin.token },
    )
    expect(assigned.status).toBe(200)
    expect(assigned.body.data).toMatchObject({
      id: user.userId,
      roles: ['authenticated', 'editor'],
    })
    expect((await http.get('/api/auth/principal', { bearer: user.token })).body.data.roles).toEqual(
      ['authenticated', 'editor'],
    )

    const builtIn = await http.delete('/api/roles/admin', { bearer: admin.token })
    expect(builtIn.status).toBe(409)
    expect(errorCode(builtIn)).toBe('ROLE_BUILT_IN')

    expect((await http.delete('/api/roles/editor', { bearer: admin.token })).status).toBe(204)
    expect((await http.get('/api/auth/principal', { bearer: user.token })).body.data.roles).toEqual(
      ['authenticated'],
    )
    const left = await sql
      .selectFrom('backlex_auth_user_roles')
      .select('role')
      .where('role', '=', 'editor')
      .execute()
    expect(left).toEqual([])
    expect((await http.delete('/api/roles/editor', { bearer: admin.token })).status).toBe(404)
  })

  it('refuses unknown roles, unknown users and removing the last admin', async () => {
    const { http, sql, admin, user } = await start()
    const unknown = await http.post(
      `/api/users/${user.userId}/roles`,
      { roles: ['ghost', 'authenticated'] },
      { bearer: admin.token },
    )
    expect(unknown.status).toBe(400)
    expect(errorCode(unknown)).toBe('UNKNOWN_ROLES')
    expect(unknown.body.errors[0].extensions.roles).toEqual(['ghost'])
    const nobody = await http.post(
      '/api/users/nobody/roles',
      { roles: ['authenticated'] },
      { bearer: admin.token },
    )
    expect(nobody.status).toBe(404)
    expect(errorCode(nobody)).toBe('USER_NOT_FOUND')

    const lastAdmin = await http.post(
      `/api/users/${admin.userId}/roles`,
      { roles: ['authenticated'] },
      { bearer: admin.token },
    )
    expect(lastAdmin.status).toBe(409)
    expect(errorCode(lastAdmin)).toBe('LAST_ADMIN')

    // With a second admin, the first may step down.
    await http.post(
      `/api/users/${user.userId}/roles`,
      { roles: ['admin'] },
      { bearer: admin.token },
    )
    const stepDown = await http.post(
      `/api/users/${admin.userId}/roles`,
      { roles: [] },
      { bearer: admin.token },
    )
    expect(stepDown.status).toBe(200)
    expect(stepDown.body.data.roles).toEqual(['authenticated'])
    expect((await http.get('/api/roles', { bearer: admin.token })).status).toBe(403)
    const rows = await sql
      .selectFrom('backlex_auth_user_roles')
      .select(['user_id', 'role'])
      .orderBy('user_id')
      .execute()
    expect(rows).toEqual([{ user_id: user.userId, role: 'admin' }])
  })
})
