// Resolved API keys are remembered for a few seconds, yet every change made through the plugin
// (revoke, guards, the owner's roles, deleting the owner) applies on the very next request.
// The clock stands still unless a test moves it, so only an invalidation can drop an entry.
import { createBacklex } from '@backlex/kernel'
import { silentLogger } from '@backlex/test-utils'
import { afterEach, describe, expect, it } from 'vitest'
import { Auth, type AuthOptions, auth } from '../src/index.js'
import {
  dialectsUnderTest,
  errorCode,
  type HttpResult,
  manualClock,
  startApp,
  type TestApp,
} from './helpers.js'

type BetterAuthInternals = {
  $context: Promise<{ internalAdapter: { deleteUser(id: string): Promise<void> } }>
}

describe.each(dialectsUnderTest)('the API key cache on $dialect', (dialect) => {
  let t: TestApp
  let clock: ReturnType<typeof manualClock>
  afterEach(async () => {
    await t?.close()
    await t?.db.cleanup()
  })

  const start = async (options: AuthOptions = {}) => {
    clock = manualClock()
    t = await startApp(await dialect.create(), { clock, auth: options })
    const admin = await t.http.signUp('admin@example.com')
    return { ...t, admin }
  }
  const createKey = async (session: string, body: Record<string, unknown> = {}) => {
    const created = await t.http.post(
      '/api/api-keys',
      { name: 'cached', ...body },
      { bearer: session },
    )
    expect(created.status).toBe(201)
    return created.body.data as { id: string; secret: string }
  }
  const principal = (secret: string) => t.http.get('/api/auth/principal', { bearer: secret })
  const expectInvalid = (result: HttpResult) => {
    expect(result.status).toBe(401)
    expect(errorCode(result)).toBe('INVALID_API_KEY')
  }
  /** A change the plugin does not see: only the TTL, or an invalidation, reveals it. */
  const revokeBehindItsBack = (id: string) =>
    t.sql
      .updateTable('backlex_auth_api_keys')
      .set({ revoked_at: new Date() })
      .where('id', '=', id)
      .execute()

  it('remembers a resolved key for ttlSeconds (5 by default), then reads it again', async () => {
    const { admin } = await start()
    const key = await createKey(admin.token)
    expect((await principal(key.secret)).status).toBe(200)
    await revokeBehindItsBack(key.id)
    expect((await principal(key.secret)).status).toBe(200)
    clock.advance(4_999)
    expect((await principal(key.secret)).status).toBe(200)
    clock.advance(1)
    expectInvalid(await principal(key.secret))
  })

  it('forgets nothing with ttlSeconds 0: every request reads the key', async () => {
    const { admin } = await start({ apiKeyCache: { ttlSeconds: 0 } })
    const key = await createKey(admin.token)
    expect((await principal(key.secret)).status).toBe(200)
    await revokeBehindItsBack(key.id)
    expectInvalid(await principal(key.secret))
  })

  it('fails a revoked key on the very next request, whether revoked by route or tool', async () => {
    const { admin, http, app } = await start()
    const viaRoute = await createKey(admin.token)
    const viaTool = await createKey(admin.token)
    for (const key of [viaRoute, viaTool]) expect((await principal(key.secret)).status).toBe(200)

    expect(
      (await http.delete(`/api/api-keys/${viaRoute.id}`, { bearer: admin.token })).status,
    ).toBe(204)
    expectInvalid(await principal(viaRoute.secret))
    expect((await principal(viaTool.secret)).status).toBe(200)

    const caller = (await principal(viaTool.secret)).body.data
    await app.tools.call(
      'api_keys.revoke',
      { id: viaTool.id },
      { principal: { ...caller, scopes: caller.scopes ?? undefined }, workspace: 'main' },
    )
    expectInvalid(await principal(viaTool.secret))
  })

  it("applies a change of the owner's roles, or a deleted role, on the next request", async () => {
    const { admin, http } = await start()
    expect(
      (await http.post('/api/roles', { name: 'editor' }, { bearer: admin.token })).status,
    ).toBe(201)
    const setRoles = (roles: string[]) =>
      http.post(`/api/users/${admin.userId}/roles`, { roles }, { bearer: admin.token })
    expect((await setRoles(['admin', 'editor'])).status).toBe(200)
    const key = await createKey(admin.token, { roles: ['editor'] })
    expect((await principal(key.secret)).body.data.roles).toEqual(['editor'])

    expect((await setRoles(['admin'])).status).toBe(200)
    expect((await principal(key.secret)).body.data.roles).toEqual([])
    expect((await setRoles(['admin', 'editor'])).status).toBe(200)
    expect((await principal(key.secret)).body.data.roles).toEqual(['editor'])

    expect((await http.delete('/api/roles/editor', { bearer: admin.token })).status).toBe(204)
    expect((await principal(key.secret)).body.data.roles).toEqual([])
  })

  it('applies changed MCP guards on the next request', async () => {
    const { admin, http } = await start()
    const key = await createKey(admin.token)
    expect((await principal(key.secret)).body.data.scopes).toEqual({ readOnly: false, tools: null })
    expect((await http.post('/api/roles', { name: 'a' }, { bearer: key.secret })).status).toBe(201)

    const guarded = await http.patch(
      `/api/api-keys/${key.id}/mcp-guards`,
      { readOnly: true, tools: ['items.get'] },
      { bearer: admin.token },
    )
    expect(guarded.status).toBe(200)
    expect((await principal(key.secret)).body.data.scopes).toEqual({
      readOnly: true,
      tools: ['items.get'],
    })
    const write = await http.post('/api/roles', { name: 'b' }, { bearer: key.secret })
    expect(write.status).toBe(403)
    expect(errorCode(write)).toBe('READ_ONLY_KEY')
  })

  it('checks the expiry on every use, also while the key is cached', async () => {
    const { admin } = await start({ apiKeyCache: { ttlSeconds: 300 } })
    const key = await createKey(admin.token, {
      expiresAt: new Date(clock.now().getTime() + 60_000).toISOString(),
    })
    expect((await principal(key.secret)).status).toBe(200)
    clock.advance(59_999)
    expect((await principal(key.secret)).status).toBe(200)
    clock.advance(1)
    expectInvalid(await principal(key.secret))
  })

  it('never caches a failure: a key that did not resolve works once it exists', async () => {
    const { admin, sql } = await start()
    const key = await createKey(admin.token)
    const { hash } = await sql
      .selectFrom('backlex_auth_api_keys')
      .select('hash')
      .where('id', '=', key.id)
      .executeTakeFirstOrThrow()
    const setHash = (value: string) =>
      sql
        .updateTable('backlex_auth_api_keys')
        .set({ hash: value })
        .where('id', '=', key.id)
        .execute()
    await setHash('not-yet')
    expectInvalid(await principal(key.secret))
    await setHash(hash)
    expect((await principal(key.secret)).status).toBe(200)
  })

  it("ends a deleted user's keys on the next request", async () => {
    const { admin, http, app } = await start()
    const user = await http.signUp('user@example.com')
    const key = await createKey(user.token)
    expect((await principal(key.secret)).body.data.userId).toBe(user.userId)
    const internals = app.get(Auth).betterAuth as unknown as BetterAuthInternals
    await (await internals.$context).internalAdapter.deleteUser(user.userId)
    expectInvalid(await principal(key.secret))
    expect((await http.get('/api/users', { bearer: admin.token })).body.meta.total).toBe(1)
  })

  it('forgets keys changed behind its back when told with apiKeys.invalidate', async () => {
    const { admin, app } = await start()
    const key = await createKey(admin.token)
    expect((await principal(key.secret)).status).toBe(200)
    await revokeBehindItsBack(key.id)
    expect((await principal(key.secret)).status).toBe(200)
    await app.get(Auth).apiKeys.invalidate({ userId: admin.userId, workspace: 'main' })
    expectInvalid(await principal(key.secret))
  })

  it('writes lastUsedAt at most once a minute per key, cached or not', async () => {
    const { admin, http } = await start({ apiKeyCache: { ttlSeconds: 300 } })
    const key = await createKey(admin.token)
    const lastUsed = async () => {
      const list = await http.get('/api/api-keys', { bearer: admin.token })
      return list.body.data.find((k: { id: string }) => k.id === key.id).lastUsedAt
    }
    const first = clock.now().toISOString()
    await principal(key.secret)
    expect(await lastUsed()).toBe(first)
    clock.advance(59_000)
    await principal(key.secret)
    expect(await lastUsed()).toBe(first)
    clock.advance(1_000)
    const later = clock.now().toISOString()
    await principal(key.secret)
    expect(await lastUsed()).toBe(later)
  })
})

describe('apiKeyCache options', () => {
  it('rejects a negative TTL or a size of 0 at boot', async () => {
    const app = createBacklex({
      logger: silentLogger(),
      plugins: [
        auth({
          secret: 'test-secret-0123456789-abcdefghijklmnopqrstuvwxyz',
          apiKeyCache: { ttlSeconds: -1, maxEntries: 0 },
        }),
      ],
    })
    const error = await app.boot().catch((e: unknown) => e)
    expect(error).toMatchObject({ code: 'INVALID_PLUGIN_OPTIONS' })
    expect(String((error as Error).message)).toMatch(/ttlSeconds.*maxEntries/s)
  })
})
