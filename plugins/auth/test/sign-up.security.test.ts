// better-auth's own endpoints (/api/auth/**) drop body keys they do not declare rather than
// refusing them (plugins add fields to sign-up); what matters is that none is ever written.
import { afterEach, describe, expect, it } from 'vitest'
import { dialectsUnderTest, startApp, type TestApp } from './helpers.js'

describe.each(dialectsUnderTest)('sign-up body on $dialect', (dialect) => {
  let t: TestApp
  afterEach(async () => {
    await t?.close()
    await t?.db.cleanup()
  })

  it('cannot choose its id, verification, roles or timestamps', async () => {
    t = await startApp(await dialect.create())
    const { http, sql } = t
    await http.signUp('first@example.com')
    const res = await http.post('/api/auth/sign-up/email', {
      email: 'mallory@example.com',
      password: 'correct horse battery',
      name: 'Mallory',
      id: 'chosen-id',
      emailVerified: true,
      role: 'admin',
      roles: ['admin'],
      createdAt: '2000-01-01T00:00:00.000Z',
    })
    expect(res.status).toBe(200)
    const [user] = await sql
      .selectFrom('backlex_auth_users')
      .selectAll()
      .where('email', '=', 'mallory@example.com')
      .execute()
    expect(user?.id).not.toBe('chosen-id')
    expect(Boolean(user?.email_verified)).toBe(false)
    expect(String(user?.created_at)).not.toMatch(/^2000/)
    const me = await http.get('/api/auth/principal', {
      bearer: res.headers.get('set-auth-token') ?? '',
    })
    expect(me.body.data).toMatchObject({ roles: ['authenticated'], admin: false })
  })
})
