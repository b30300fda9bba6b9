// Realtime.subscribeItems, the in-process items subscription: the route's checks thrown before
// the iterator exists, the same per-event rows and fields as an SSE stream, its own filter and
// fields, leave, credential re-checks, slow readers, and ending it frees the channel and caller.
// On both dialects.
import { anonymousPrincipal, definePlugin, type Principal, systemPrincipal } from '@backlex/kernel'
import { CollectionSchemas } from '@backlex/permissions'
import { dialects, type TestDatabase } from '@backlex/test-utils'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  type ItemChange,
  type ItemChangeStream,
  Realtime,
  type RealtimeService,
  type SubscribeItemsOptions,
} from '../src/index.js'
import {
  ARTICLES,
  bearer,
  grantArticleReaders,
  StreamClient,
  sleep,
  startServer,
  type TestServer,
} from './helpers.js'

/** A second collection that no rule covers. */
const memos = definePlugin({
  name: '@backlex/test-memos',
  version: '0.0.0',
  register(ctx) {
    ctx.contribute(CollectionSchemas, (_workspace, collection) =>
      collection === 'memos' ? ARTICLES : undefined,
    )
  },
})

const article = (id: number, fields: Record<string, unknown> = {}) => ({
  id,
  title: `Article ${id}`,
  status: 'published',
  owner: 'ada',
  views: 0,
  secret: `secret ${id}`,
  ...fields,
})

const user = (id: string, roles: string[], admin = false): Principal => ({
  type: 'user',
  id,
  userId: id,
  roles,
  admin,
})
const ANONYMOUS = anonymousPrincipal

/** Reads `n` changes, failing after `ms` instead of hanging. */
async function take(stream: ItemChangeStream, n: number, ms = 5000): Promise<ItemChange[]> {
  const out: ItemChange[] = []
  const deadline = Date.now() + ms
  while (out.length < n) {
    const left = deadline - Date.now()
    const next = await Promise.race([
      stream.next(),
      sleep(Math.max(left, 0)).then(() => 'timeout' as const),
    ])
    if (next === 'timeout') throw new Error(`timed out after ${JSON.stringify(out)}`)
    if (next.done) break
    out.push(next.value)
  }
  return out
}

const codeOf = (promise: Promise<unknown>) =>
  promise.then(
    () => 'resolved',
    (error: { code?: string }) => error.code ?? String(error),
  )

describe.each(dialects)('Realtime.subscribeItems on $dialect', (dialect) => {
  let database: TestDatabase
  let app: TestServer
  let realtime: RealtimeService
  const opened: ItemChangeStream[] = []
  let nextId = 1
  const id = () => nextId++

  const subscribe = async (
    principal: Principal,
    options?: SubscribeItemsOptions,
    headers?: Record<string, string>,
  ) => {
    const stream = await realtime.subscribeItems(
      {
        workspace: 'main',
        principal,
        ...(headers ? { request: new Request('http://x/', { headers }) } : {}),
      },
      'articles',
      options,
    )
    opened.push(stream)
    return stream
  }

  beforeAll(async () => {
    if (!dialect.available) return
    database = await dialect.create()
    app = await startServer(database, {
      realtime: { maxBufferBytes: 4096 },
      plugins: [memos()],
    })
    realtime = app.server.kernel.get(Realtime)
    await grantArticleReaders(app)
    app.tokens.set('ada', { id: 'ada', roles: ['editor'] })
  })
  afterAll(async () => {
    for (const s of opened) await s.return()
    await app?.close()
    await database?.cleanup()
  })

  it.skipIf(!dialect.available)(
    'an admin receives create, update and delete with full rows and event numbers',
    async () => {
      const admin = await subscribe(user('root', ['admin'], true))
      const key = id()
      app.emit('items.created', { collection: 'articles', keys: [key], after: [article(key)] })
      app.emit('items.updated', {
        collection: 'articles',
        keys: [key],
        before: [article(key)],
        after: [article(key, { views: 1 })],
      })
      app.emit('items.deleted', { collection: 'articles', keys: [key], before: [article(key)] })
      const got = await take(admin, 3)
      expect(got.map(({ id: _, ...change }) => change)).toEqual([
        { type: 'create', collection: 'articles', key, data: article(key) },
        { type: 'update', collection: 'articles', key, data: article(key, { views: 1 }) },
        { type: 'delete', collection: 'articles', key },
      ])
      const ids = got.map((c) => c.id)
      expect(ids[1]).toBe((ids[0] ?? 0) + 1)
      expect(ids[2]).toBe((ids[0] ?? 0) + 2)
    },
  )

  it.skipIf(!dialect.available)(
    'a row-filtered role gets its rows and fields only; moving out of view is a leave',
    async () => {
      const anon = await subscribe(ANONYMOUS)
      const ada = await subscribe(user('ada', ['editor']))
      const draft = id()
      const live = id()
      app.emit('items.created', {
        collection: 'articles',
        keys: [draft, live],
        after: [article(draft, { status: 'draft' }), article(live, { owner: 'carol' })],
      })
      app.emit('items.updated', {
        collection: 'articles',
        keys: [live],
        before: [article(live, { owner: 'carol' })],
        after: [article(live, { owner: 'carol', status: 'draft' })],
      })
      expect(await take(anon, 2)).toEqual([
        {
          type: 'create',
          collection: 'articles',
          key: live,
          data: { id: live, title: `Article ${live}`, status: 'published', views: 0 },
          id: expect.any(Number),
        },
        { type: 'leave', collection: 'articles', key: live, id: expect.any(Number) },
      ])
      const forAda = await take(ada, 3)
      expect(forAda.map((c) => [c.type, c.key])).toEqual([
        ['create', draft],
        ['create', live],
        ['leave', live],
      ])
      expect(forAda[0]?.data).toEqual(article(draft, { status: 'draft' }))
      expect(forAda[1]?.data).toEqual({
        id: live,
        title: `Article ${live}`,
        status: 'published',
        views: 0,
      })
    },
  )

  it.skipIf(!dialect.available)('its own filter and fields narrow it', async () => {
    const narrow = await subscribe(ANONYMOUS, {
      filter: { views: { _gt: 10 } },
      fields: ['id', 'title'],
    })
    const low = id()
    const high = id()
    app.emit('items.created', {
      collection: 'articles',
      keys: [low, high],
      after: [article(low, { views: 5 }), article(high, { views: 50 })],
    })
    const [change] = await take(narrow, 1)
    expect(change).toMatchObject({ type: 'create', key: high })
    expect(change?.data).toEqual({ id: high, title: `Article ${high}` })
  })

  it.skipIf(!dialect.available)(
    'throws the route’s errors before there is anything to iterate',
    async () => {
      const before = realtime.stats()
      const cases: [Promise<unknown>, string][] = [
        // A missing collection answers as one without a rule (memos, below); admins learn more.
        [
          realtime.subscribeItems({ workspace: 'main', principal: ANONYMOUS }, 'nothing'),
          'UNAUTHORIZED',
        ],
        [
          realtime.subscribeItems({ workspace: 'main', principal: user('bob', []) }, 'nothing'),
          'FORBIDDEN',
        ],
        [
          realtime.subscribeItems({ workspace: 'main', principal: systemPrincipal }, 'nothing'),
          'REALTIME_COLLECTION_NOT_FOUND',
        ],
        [subscribe(ANONYMOUS, { fields: ['secret'] }), 'REALTIME_FIELD_FORBIDDEN'],
        [subscribe(ANONYMOUS, { filter: { secret: { _eq: 'x' } } }), 'REALTIME_FIELD_FORBIDDEN'],
        [subscribe(ANONYMOUS, { fields: ['nope'] }), 'REALTIME_INVALID_QUERY'],
        [subscribe(ANONYMOUS, { filter: { views: { _gtt: 1 } } }), 'INVALID_FILTER'],
        // No rule on memos at all.
        [
          realtime.subscribeItems({ workspace: 'main', principal: user('bob', []) }, 'memos'),
          'FORBIDDEN',
        ],
        [
          realtime.subscribeItems({ workspace: 'main', principal: ANONYMOUS }, 'memos'),
          'UNAUTHORIZED',
        ],
      ]
      for (const [attempt, code] of cases) expect(await codeOf(attempt)).toBe(code)
      expect(realtime.stats()).toEqual(before)
    },
  )

  it.skipIf(!dialect.available)(
    'return(), break and abort leave the channel and release the caller',
    async () => {
      const before = realtime.stats()
      const a = await subscribe(user('ada', ['editor']), {}, bearer('ada'))
      const b = await subscribe(user('ada', ['editor']), {}, bearer('ada'))
      const controller = new AbortController()
      const c = await subscribe(ANONYMOUS, { signal: controller.signal })
      expect(realtime.stats()).toEqual({
        connections: before.connections + 3,
        channels: Math.max(before.channels, 1),
        callers: before.callers + 1,
      })
      const key = id()
      app.emit('items.created', { collection: 'articles', keys: [key], after: [article(key)] })
      for await (const change of b) {
        expect(change.key).toBe(key)
        break
      }
      await a.return()
      controller.abort()
      expect(await c.next()).toEqual({ value: undefined, done: true })
      expect(realtime.stats()).toEqual(before)
    },
  )

  it.skipIf(!dialect.available)(
    'the caller is re-checked: new roles apply and show on the stream; revoking ends it',
    async () => {
      app.tokens.set('eve', { id: 'eve', roles: ['editor'] })
      const eve = await subscribe(user('eve', ['editor']), {}, bearer('eve'))
      app.tokens.set('eve', { id: 'eve', roles: ['editor', 'auditor'] })
      const seen = id()
      app.emit('items.created', {
        collection: 'articles',
        keys: [seen],
        after: [article(seen, { owner: 'eve' })],
      })
      expect((await take(eve, 1))[0]?.key).toBe(seen)
      expect(eve.principal.roles).toEqual(['editor', 'auditor'])
      app.tokens.set('eve', 'revoked')
      const key = id()
      app.emit('items.created', {
        collection: 'articles',
        keys: [key],
        after: [article(key, { owner: 'eve' })],
      })
      expect(await codeOf(eve.next())).toBe('REALTIME_CREDENTIALS_REVOKED')
    },
  )

  it.skipIf(!dialect.available)(
    'a reader that stops reading is cut; an SSE stream on the channel gets every event',
    async () => {
      // Only this test's readers: the others would be cut too (they stopped reading as well).
      for (const stream of opened.splice(0)) await stream.return()
      const stalled = await subscribe(user('root', ['admin'], true))
      const sse = new StreamClient(`${app.url}/api/realtime/items:articles/subscribe`)
      try {
        await sse.next('ready')
        // Both open: the SSE stream and the stalled reader.
        const before = realtime.stats().connections - 1
        const keys = Array.from({ length: 40 }, () => id())
        app.emit('items.created', {
          collection: 'articles',
          keys,
          after: keys.map((k) => article(k, { title: 'x'.repeat(200) })),
        })
        await sse.until(() => sse.of('create').length === keys.length, 'every create')
        // The stalled reader's queue passed maxBufferBytes (4 KiB) and stayed there: it was cut.
        const deadline = Date.now() + 5000
        while (realtime.stats().connections > before && Date.now() < deadline) await sleep(20)
        expect(realtime.stats().connections).toBe(before)
        // Its backlog was dropped: the reader learns at once.
        expect(await codeOf(stalled.next())).toBe('REALTIME_SLOW_CONSUMER')
      } finally {
        sse.close()
      }
    },
  )

  it.skipIf(!dialect.available)(
    'shutting the server down ends subscriptions with REALTIME_SERVER_CLOSING',
    async () => {
      const own = await dialect.create()
      const server = await startServer(own)
      try {
        await server.grant({ role: 'public', collection: 'articles', action: 'read' })
        const stream = await server.server.kernel
          .get(Realtime)
          .subscribeItems({ workspace: 'main', principal: ANONYMOUS }, 'articles')
        const waiting = codeOf(stream.next())
        await server.close()
        expect(await waiting).toBe('REALTIME_SERVER_CLOSING')
      } finally {
        await own.cleanup()
      }
    },
  )
})
