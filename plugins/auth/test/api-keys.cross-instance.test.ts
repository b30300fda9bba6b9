// Two instances of one deployment on one database: a key cached on one stops working there once
// it is revoked (or its owner loses a role) on the other, through PubSub (PostgreSQL
// LISTEN/NOTIFY on PostgreSQL; one in-process bus shared by both kernels on SQLite).
import { createMemoryPubSub, definePlugin, type Plugin, PubSub } from '@backlex/kernel'
import { postgresPubSub } from '@backlex/postgres'
import { postgresUrl, type TestDatabase, uniqueChannel } from '@backlex/test-utils'
import { afterEach, describe, expect, it } from 'vitest'
import {
  dialectsUnderTest,
  type HttpResult,
  manualClock,
  startApp,
  type TestApp,
} from './helpers.js'

function pubsubFor(dialect: string): () => Plugin {
  if (dialect === 'postgres') {
    const channel = uniqueChannel()
    return () => postgresPubSub({ connectionString: postgresUrl, channel })
  }
  const bus = createMemoryPubSub()
  const shared = definePlugin({
    name: '@backlex/test-shared-pubsub',
    version: '0.0.0',
    provides: [PubSub],
    register(ctx) {
      ctx.provide(PubSub, () => bus)
    },
  })
  return () => shared()
}

/** Asks until `done` holds; the test's own timeout bounds it, no timing is asserted. */
async function until(ask: () => Promise<HttpResult>, done: (r: HttpResult) => boolean) {
  for (;;) {
    const result = await ask()
    if (done(result)) return result
    await new Promise((resolve) => setTimeout(resolve, 20))
  }
}

describe.each(dialectsUnderTest)('the API key cache across instances on $dialect', (dialect) => {
  let database: TestDatabase | undefined
  const apps: TestApp[] = []
  afterEach(async () => {
    for (const app of apps.splice(0)) await app.close()
    await database?.cleanup()
  })

  const startTwo = async () => {
    database = await dialect.create()
    const pubsub = pubsubFor(dialect.dialect)
    // A standing clock and a long TTL: only an invalidation can drop a cached key.
    const options = { clock: manualClock(), auth: { apiKeyCache: { ttlSeconds: 300 } } }
    const a = await startApp(database, { ...options, plugins: [pubsub()] })
    apps.push(a)
    const b = await startApp(database, { ...options, plugins: [pubsub()] })
    apps.push(b)
    const admin = await a.http.signUp('admin@example.com')
    return { a, b, admin }
  }

  it('revoking a key on one instance makes it fail on the other', async () => {
    const { a, b, admin } = await startTwo()
    const key = (await a.http.post('/api/api-keys', { name: 'shared' }, { bearer: admin.token }))
      .body.data
    const onB = () => b.http.get('/api/auth/principal', { bearer: key.secret })
    expect((await onB()).status).toBe(200)
    // Cached on B: a change B is not told about stays invisible there.
    await b.sql
      .updateTable('backlex_auth_api_keys')
      .set({ name: 'renamed' })
      .where('id', '=', key.id)
      .execute()
    expect((await onB()).status).toBe(200)

    expect((await a.http.delete(`/api/api-keys/${key.id}`, { bearer: admin.token })).status).toBe(
      204,
    )
    expect((await a.http.get('/api/auth/principal', { bearer: key.secret })).status).toBe(401)
    const failed = await until(onB, (r) => r.status !== 200)
    expect(failed.status).toBe(401)
    expect(failed.body.errors[0].extensions.code).toBe('INVALID_API_KEY')
  })

  it("a change of the owner's roles on one instance applies on the other", async () => {
    const { a, b, admin } = await startTwo()
    expect(
      (await a.http.post('/api/roles', { name: 'editor' }, { bearer: admin.token })).status,
    ).toBe(201)
    const setRoles = (roles: string[]) =>
      a.http.post(`/api/users/${admin.userId}/roles`, { roles }, { bearer: admin.token })
    expect((await setRoles(['admin', 'editor'])).status).toBe(200)
    const key = (
      await a.http.post(
        '/api/api-keys',
        { name: 'editor', roles: ['editor'] },
        { bearer: admin.token },
      )
    ).body.data
    const onB = () => b.http.get('/api/auth/principal', { bearer: key.secret })
    expect((await onB()).body.data.roles).toEqual(['editor'])

    expect((await setRoles(['admin'])).status).toBe(200)
    const narrowed = await until(onB, (r) => r.body.data.roles.length === 0)
    expect(narrowed.body.data).toMatchObject({ type: 'apiKey', roles: [], admin: false })
  })
})
