// Two instances of one deployment: separate kernels and HTTP servers on one database, events
// travelling through PubSub (PostgreSQL LISTEN/NOTIFY on PostgreSQL; one in-process bus shared
// by both kernels on SQLite). A write on one reaches subscribers on the other, in one order.
import { createMemoryPubSub, definePlugin, type Plugin, PubSub } from '@backlex/kernel'
import { postgresPubSub } from '@backlex/postgres'
import { dialects, postgresUrl, type TestDatabase, uniqueChannel } from '@backlex/test-utils'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { bearer, StreamClient, startServer, type TestServer, TokenBook } from './helpers.js'

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

const row = (id: number, fields: Record<string, unknown> = {}) => ({
  id,
  title: `t${id}`,
  status: 'published',
  owner: 'o',
  views: 0,
  secret: 's',
  ...fields,
})

describe.each(dialects)('two instances on $dialect', (dialect) => {
  let database: TestDatabase
  let a: TestServer
  let b: TestServer
  const streams: StreamClient[] = []
  const open = (server: TestServer, channel: string, headers: Record<string, string> = {}) => {
    const stream = new StreamClient(`${server.url}/api/realtime/${channel}/subscribe`, headers)
    streams.push(stream)
    return stream
  }

  beforeAll(async () => {
    if (!dialect.available) return
    database = await dialect.create()
    const pubsub = pubsubFor(dialect.dialect)
    const tokens = new TokenBook()
    // A small inline limit: most events here cross as a range read from the shared log.
    const realtime = { inlineBytes: 400 }
    a = await startServer(database, { plugins: [pubsub()], tokens, realtime })
    b = await startServer(database, { plugins: [pubsub()], tokens, realtime })
    await a.grant({
      role: 'public',
      collection: 'articles',
      action: 'read',
      filter: { status: { _eq: 'published' } },
      fields: ['id', 'title'],
    })
    tokens.set('ann', { id: 'ann', roles: [] })
    tokens.set('ben', { id: 'ben', roles: [] })
  })
  afterAll(async () => {
    for (const s of streams) s.close()
    await a?.close()
    await b?.close()
    await database?.cleanup()
  })

  it.skipIf(!dialect.available)(
    'a write on one instance reaches subscribers on the other, filtered',
    async () => {
      const onB = open(b, 'items:articles')
      const onA = open(a, 'items:articles')
      await Promise.all([onA.next('ready'), onB.next('ready')])
      a.emit('items.created', {
        collection: 'articles',
        keys: [1, 2],
        after: [row(1, { status: 'draft' }), row(2)],
      })
      const got = await onB.next('create')
      expect(got.data).toEqual({ collection: 'articles', key: 2, data: { id: 2, title: 't2' } })
      await onA.next('create')
      expect(onA.of('create')[0]?.id).toBe(got.id)
      // A large row (past NOTIFY's 8000 bytes) crosses as well.
      const big = 'x'.repeat(20_000)
      b.emit('items.created', {
        collection: 'articles',
        keys: [3],
        after: [row(3, { title: big })],
      })
      expect((await onA.next('create', 2)).data).toMatchObject({ key: 3, data: { title: big } })
    },
  )

  it.skipIf(!dialect.available)(
    'writes from both instances reach everyone in one order, without gaps',
    async () => {
      const onA = open(a, 'interleaved')
      const onB = open(b, 'interleaved')
      await Promise.all([onA.next('ready'), onB.next('ready')])
      const sends: Promise<unknown>[] = []
      for (let i = 0; i < 20; i++) {
        const server = i % 2 === 0 ? a : b
        sends.push(
          server.request('POST', '/api/realtime/interleaved/publish', {
            body: { data: i },
            headers: bearer(i % 4 < 2 ? 'ann' : 'ben'),
          }),
        )
      }
      await Promise.all(sends)
      await onA.next('message', 20)
      await onB.next('message', 20)
      const seen = (s: StreamClient) => s.of('message').map((m) => [Number(m.id), m.data.data])
      expect(seen(onA)).toEqual(seen(onB))
      expect(seen(onA).map(([id]) => id)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1))
      expect(new Set(seen(onA).map(([, d]) => d)).size).toBe(20)
    },
  )

  it.skipIf(!dialect.available)(
    'a client resumes on one instance after events written on the other',
    async () => {
      const first = open(a, 'handover')
      await first.next('ready')
      await b.request('POST', '/api/realtime/handover/publish', {
        body: { data: 'one' },
        headers: bearer('ann'),
      })
      const seen = await first.next('message')
      first.close()
      await b.request('POST', '/api/realtime/handover/publish', {
        body: { data: 'two' },
        headers: bearer('ann'),
      })
      const again = open(b, 'handover', { 'last-event-id': seen.id })
      await again.next('message')
      await again.next('ready')
      expect(again.events.map((e) => [e.type, e.data.data ?? null])).toEqual([
        ['message', 'two'],
        ['ready', null],
      ])
    },
  )

  it.skipIf(!dialect.available)('presence spans instances', async () => {
    const ann = open(a, 'presence:war-room', bearer('ann'))
    await ann.next('roster')
    const ben = open(b, 'presence:war-room', bearer('ben'))
    await ben.next('roster')
    // Ben learns of Ann once A answers B's sync; Ann learns of Ben from B's announcement.
    await ben.until(
      () =>
        ben.events.some(
          (e) =>
            (e.type === 'join' && (e.data.member as { id: string }).id === 'ann') ||
            (e.type === 'roster' && JSON.stringify(e.data.members).includes('"ann"')),
        ),
      'ann in ben’s view',
    )
    const joined = await ann.next('join')
    expect(joined.data.member).toEqual({ id: 'ben', type: 'user' })
    ben.close()
    const left = await ann.next('leave')
    expect(left.data.member).toEqual({ id: 'ben', type: 'user' })
  })
})
