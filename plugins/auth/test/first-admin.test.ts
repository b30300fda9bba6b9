// The first user to sign up becomes admin, exactly once, even when sign-ups race.
import { afterEach, describe, expect, it } from 'vitest'
import { dialectsUnderTest, startApp, type TestApp } from './helpers.js'

describe.each(dialectsUnderTest)('first user is admin on $dialect', (dialect) => {
  let t: TestApp
  afterEach(async () => {
    await t?.close()
    await t?.db.cleanup()
  })

  it('gives the first user admin and later ones authenticated', async () => {
    t = await startApp(await dialect.create())
    const { http, sql } = t
    const first = await http.signUp('first@example.com')
    const second = await http.signUp('second@example.com')
    expect(
      (await http.get('/api/auth/principal', { bearer: first.token })).body.data,
    ).toMatchObject({ roles: ['admin'], admin: true })
    expect(
      (await http.get('/api/auth/principal', { bearer: second.token })).body.data,
    ).toMatchObject({ roles: ['authenticated'], admin: false })
    const rows = await sql
      .selectFrom('backlex_auth_user_roles')
      .select(['user_id', 'role', 'workspace'])
      .orderBy('role')
      .execute()
    expect(rows).toEqual([
      { user_id: first.userId, role: 'admin', workspace: 'main' },
      { user_id: second.userId, role: 'authenticated', workspace: 'main' },
    ])
  })

  it('makes exactly one admin out of concurrent first sign-ups', async () => {
    t = await startApp(await dialect.create(), { auth: { rateLimit: { signUp: 100 } } })
    const { http, sql } = t
    const emails = Array.from({ length: 6 }, (_, i) => `racer${i}@example.com`)
    const results = await Promise.all(emails.map((email) => http.signUp(email)))
    expect(results.every((r) => r.status === 200)).toBe(true)
    const admins = await sql
      .selectFrom('backlex_auth_user_roles')
      .select('user_id')
      .where('role', '=', 'admin')
      .execute()
    expect(admins).toHaveLength(1)
    const principals = await Promise.all(
      results.map((r) => http.get('/api/auth/principal', { bearer: r.token })),
    )
    expect(principals.filter((p) => p.body.data.admin)).toHaveLength(1)
    expect(principals.filter((p) => !p.body.data.admin)).toHaveLength(emails.length - 1)
    const claim = await sql.selectFrom('backlex_auth_first_admin').selectAll().execute()
    expect(claim).toHaveLength(1)
    expect(claim[0]?.user_id).toBe(admins[0]?.user_id)
  })
})

describe.each(dialectsUnderTest)('first user is admin across instances on $dialect', (dialect) => {
  it('makes exactly one admin when two servers on one database race', async () => {
    const db = await dialect.create()
    const options = { auth: { rateLimit: { signUp: 100 } } }
    const a = await startApp(db, options)
    const b = await startApp(db, options)
    try {
      const results = await Promise.all(
        Array.from({ length: 6 }, (_, i) =>
          (i % 2 === 0 ? a : b).http.signUp(`racer${i}@example.com`),
        ),
      )
      expect(results.every((r) => r.status === 200)).toBe(true)
      const admins = await a.sql
        .selectFrom('backlex_auth_user_roles')
        .select('user_id')
        .where('role', '=', 'admin')
        .execute()
      expect(admins).toHaveLength(1)
      const roles = await a.sql.selectFrom('backlex_auth_user_roles').select('user_id').execute()
      expect(roles).toHaveLength(6)
    } finally {
      await a.close()
      await b.close()
      await db.cleanup()
    }
  })
})
