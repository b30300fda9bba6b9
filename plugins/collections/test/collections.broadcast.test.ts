// Two kernels on one database (two instances of a deployment): a schema change made through one
// reaches the other at once through PubSub — its cache, its onChange listeners, its permissions.
import { createMemoryPubSub, type Plugin } from '@backlex/kernel'
import { postgresPubSub } from '@backlex/postgres'
import { dialects, postgresUrl, uniqueChannel } from '@backlex/test-utils'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { CollectionChange, CollectionsService } from '../src/index.js'
import { ADMIN, codeOf, dataOf, sharedPubSub, startApp, type TestApp } from './helpers.js'

/** Resolves with the next change `service` reports (fails after 5 s). */
function nextChange(service: CollectionsService): Promise<CollectionChange> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('no change event within 5 s')), 5000)
    const off = service.onChange((event) => {
      clearTimeout(timer)
      off()
      resolve(event)
    })
  })
}

describe.each(dialects)('schema broadcast across two kernels on $dialect', (dialect) => {
  let a: TestApp
  let b: TestApp
  const seenByA: CollectionChange[] = []

  beforeAll(async () => {
    if (!dialect.available) return
    // SQLite: one file, one in-memory bus shared by both kernels. PostgreSQL: LISTEN/NOTIFY.
    let bus: () => Plugin
    if (dialect.dialect === 'sqlite') {
      const memory = createMemoryPubSub()
      bus = () => sharedPubSub(memory)
    } else {
      const channel = uniqueChannel()
      bus = () => postgresPubSub({ connectionString: postgresUrl, channel })
    }
    a = await startApp(dialect, { extra: [bus()] })
    b = await startApp(dialect, { extra: [bus()], shared: a.database })
    a.collections.onChange((event) => seenByA.push(event))
  })
  afterAll(async () => {
    await b?.close()
    await a?.close()
  })

  it.skipIf(!dialect.available)(
    'a collection created on one instance is served by the other',
    async () => {
      expect(await b.collections.list('main')).toEqual([]) // B's cache is now warm
      const versionBefore = await b.collections.version('main')
      const received = nextChange(b.collections)
      const res = await a.request('POST', '/api/collections', {
        as: ADMIN,
        body: { slug: 'news', fields: [{ name: 'title', type: 'string' }] },
      })
      expect(res.status).toBe(201)
      expect(await received).toEqual({ workspace: 'main', slug: 'news', action: 'create' })
      expect(await b.collections.version('main')).toBeGreaterThan(versionBefore)
      const listed = await b.request('GET', '/api/collections', { as: ADMIN })
      expect(dataOf<{ slug: string }[]>(listed.body).map((c) => c.slug)).toEqual(['news'])
      // The publisher applied its own change once, not again when the message came back.
      await new Promise((r) => setTimeout(r, 100))
      expect(seenByA.filter((e) => e.slug === 'news' && e.action === 'create')).toHaveLength(1)
    },
  )

  it.skipIf(!dialect.available)(
    'changes reach the other instance, its permissions included',
    async () => {
      const rule = {
        role: 'editor',
        collection: 'news',
        action: 'read',
        filter: { rating: { _gt: 3 } },
      }
      const before = await b.request('POST', '/api/permissions', { as: ADMIN, body: rule })
      expect([before.status, codeOf(before.body)]).toEqual([400, 'INVALID_FILTER'])
      const received = nextChange(b.collections)
      const patched = await a.request('PATCH', '/api/collections/news', {
        as: ADMIN,
        body: { fields: [{ name: 'rating', type: 'integer' }] },
      })
      expect(patched.status).toBe(200)
      expect(await received).toEqual({ workspace: 'main', slug: 'news', action: 'update' })
      const fields = (await b.collections.get('main', 'news'))?.fields.map((f) => f.name)
      expect(fields).toEqual(['title', 'rating'])
      const after = await b.request('POST', '/api/permissions', { as: ADMIN, body: rule })
      expect(after.status).toBe(201)

      const deleted = nextChange(b.collections)
      expect((await a.request('DELETE', '/api/collections/news', { as: ADMIN })).status).toBe(200)
      expect(await deleted).toEqual({ workspace: 'main', slug: 'news', action: 'delete' })
      expect(await b.collections.get('main', 'news')).toBeUndefined()
    },
  )
})
