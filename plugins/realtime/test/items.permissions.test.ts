// Items channels: each subscriber gets create, update, delete and leave events for the rows
// it may read, with only the fields it may read, under its own filter; rule, role and
// credential changes apply to open streams from the next event on. On both dialects.
import { Permissions } from '@backlex/permissions'
import { dialects, type TestDatabase } from '@backlex/test-utils'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  bearer,
  codeOf,
  grantArticleReaders,
  type ReceivedEvent,
  StreamClient,
  startServer,
  type TestServer,
} from './helpers.js'

const article = (id: number, fields: Record<string, unknown> = {}) => ({
  id,
  title: `Article ${id}`,
  status: 'published',
  owner: 'ada',
  views: 0,
  secret: `secret ${id}`,
  ...fields,
})

const keys = (events: ReceivedEvent[]) => events.map((e) => e.data.key)

describe.each(dialects)('items channels on $dialect', (dialect) => {
  let database: TestDatabase
  let app: TestServer
  const streams: StreamClient[] = []
  const open = (query = '', headers: Record<string, string> = {}) => {
    const stream = new StreamClient(
      `${app.url}/api/realtime/items:articles/subscribe${query}`,
      headers,
    )
    streams.push(stream)
    return stream
  }
  let nextId = 1000
  const id = () => nextId++

  beforeAll(async () => {
    if (!dialect.available) return
    database = await dialect.create()
    app = await startServer(database)
    await grantArticleReaders(app)
    app.tokens.set('ada', { id: 'ada', roles: ['editor'] })
    app.tokens.set('bob', { id: 'bob', roles: ['editor'] })
    app.tokens.set('root', { id: 'root', roles: ['admin'], admin: true })
  })
  afterAll(async () => {
    for (const s of streams) s.close()
    await app?.close()
    await database?.cleanup()
  })

  it.skipIf(!dialect.available)('answers 200 text/event-stream and starts with ready', async () => {
    const res = await fetch(`${app.url}/api/realtime/items:articles/subscribe`)
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/)
    expect(res.headers.get('cache-control')).toContain('no-cache')
    const reader = res.body?.getReader()
    let text = ''
    while (reader && !text.includes('event: ready')) {
      const chunk = await reader.read()
      if (chunk.done) break
      text += new TextDecoder().decode(chunk.value)
    }
    await reader?.cancel()
    expect(text).toContain('retry: 50')
    expect(text).toMatch(/id: \d+\nevent: ready\ndata: \{"channel":"items:articles"\}/)
  })

  it.skipIf(!dialect.available)(
    'anonymous callers get published rows with public fields only',
    async () => {
      const stream = open()
      await stream.next('ready')
      const draft = id()
      const published = id()
      app.emit('items.created', {
        collection: 'articles',
        keys: [draft],
        after: [article(draft, { status: 'draft' })],
      })
      app.emit('items.created', {
        collection: 'articles',
        keys: [published],
        after: [article(published, { views: 3 })],
      })
      const created = await stream.next('create')
      expect(created.data).toEqual({
        collection: 'articles',
        key: published,
        data: { id: published, title: `Article ${published}`, status: 'published', views: 3 },
      })
      expect(Number(created.id)).toBeGreaterThan(0)
      // The draft was logged before the published one and never reached this stream.
      expect(keys(stream.of('create'))).toEqual([published])
    },
  )

  it.skipIf(!dialect.available)(
    'editors see their own rows with every field, plus published ones',
    async () => {
      const ada = open('', bearer('ada'))
      const bob = open('', bearer('bob'))
      await ada.next('ready')
      await bob.next('ready')
      const own = id()
      const after = id()
      app.emit('items.created', {
        collection: 'articles',
        keys: [own],
        after: [article(own, { status: 'draft', owner: 'ada' })],
      })
      app.emit('items.created', {
        collection: 'articles',
        keys: [after],
        after: [article(after, { owner: 'carol' })],
      })
      await ada.until(() => ada.of('create').length === 2, 'two creates for ada')
      await bob.next('create')
      expect(ada.of('create')[0]?.data.data).toEqual(article(own, { status: 'draft' }))
      expect(keys(bob.of('create'))).toEqual([after])
      // A published row of someone else: only what public may read.
      expect(bob.of('create')[0]?.data.data).toEqual({
        id: after,
        title: `Article ${after}`,
        status: 'published',
        views: 0,
      })
    },
  )

  it.skipIf(!dialect.available)(
    'admins see everything; filter and fields narrow a stream',
    async () => {
      const admin = open('', bearer('root'))
      const narrow = open('?filter[views][_gt]=10&fields=id,title')
      const json = open(`?filter=${encodeURIComponent('{"title":{"_contains":"zz"}}')}&fields[]=id`)
      await Promise.all([admin.next('ready'), narrow.next('ready'), json.next('ready')])
      const low = id()
      const high = id()
      const titled = id()
      app.emit('items.created', {
        collection: 'articles',
        keys: [low, high, titled],
        after: [
          article(low, { views: 5 }),
          article(high, { views: 50 }),
          article(titled, { title: 'pizza', status: 'draft' }),
        ],
      })
      await admin.until(() => admin.of('create').length === 3, 'three creates for the admin')
      expect(admin.of('create')[2]?.data.data).toEqual(
        article(titled, { title: 'pizza', status: 'draft' }),
      )
      const got = await narrow.next('create')
      expect(got.data).toEqual({
        collection: 'articles',
        key: high,
        data: { id: high, title: `Article ${high}` },
      })
      // The draft matches the filter but anonymous callers may not see drafts.
      await json.until(() => narrow.of('create').length >= 1, 'delivery')
      const marker = id()
      app.emit('items.created', {
        collection: 'articles',
        keys: [marker],
        after: [article(marker, { title: 'zz top' })],
      })
      expect((await json.next('create')).data).toEqual({
        collection: 'articles',
        key: marker,
        data: { id: marker },
      })
      expect(keys(json.of('create'))).toEqual([marker])
    },
  )

  it.skipIf(!dialect.available)(
    'an update out of view is a leave; into view an update; deletes reach who could see the row',
    async () => {
      const anon = open()
      const ada = open('', bearer('ada'))
      await Promise.all([anon.next('ready'), ada.next('ready')])
      const key = id()
      const draft = article(key, { status: 'draft', owner: 'ada' })
      const live = article(key, { owner: 'ada' })
      app.emit('items.updated', {
        collection: 'articles',
        keys: [key],
        before: [draft],
        after: [live],
      })
      app.emit('items.updated', {
        collection: 'articles',
        keys: [key],
        before: [live],
        after: [draft],
      })
      app.emit('items.deleted', { collection: 'articles', keys: [key], before: [draft] })
      await anon.until(() => anon.of('update', 'leave').length === 2, 'update then leave')
      await ada.until(() => ada.of('delete').length === 1, 'the delete for ada')
      expect(anon.of('update', 'leave', 'delete').map((e) => [e.type, e.data.key])).toEqual([
        ['update', key],
        ['leave', key],
      ])
      expect(anon.of('leave')[0]?.data).toEqual({ collection: 'articles', key })
      expect(ada.of('update', 'leave', 'delete').map((e) => e.type)).toEqual([
        'update',
        'update',
        'delete',
      ])
      // The anonymous stream never got the delete of a row it could not see.
      const after = id()
      app.emit('items.deleted', { collection: 'articles', keys: [after], before: [article(after)] })
      await anon.next('delete')
      expect(keys(anon.of('delete'))).toEqual([after])
    },
  )

  it.skipIf(!dialect.available)('refuses bad subscriptions with clear errors', async () => {
    const base = '/api/realtime'
    const cases: [string, Record<string, string>, number, string][] = [
      [`${base}/items:articles/subscribe?fields=secret`, {}, 403, 'REALTIME_FIELD_FORBIDDEN'],
      [
        `${base}/items:articles/subscribe?filter[secret][_eq]=x`,
        {},
        403,
        'REALTIME_FIELD_FORBIDDEN',
      ],
      [`${base}/items:articles/subscribe?fields=nope`, {}, 400, 'REALTIME_INVALID_QUERY'],
      [`${base}/items:articles/subscribe?filter[views][_gtt]=1`, {}, 400, 'INVALID_FILTER'],
      [`${base}/items:articles/subscribe?filter={nope`, {}, 400, 'INVALID_FILTER'],
      [`${base}/items:articles/subscribe?sort=id`, {}, 400, 'INVALID_QUERY'],
      [`${base}/items:articles/subscribe?filter[a]x=1`, {}, 400, 'INVALID_QUERY'],
      // A missing collection answers as one the caller may not read; only admins learn more.
      [`${base}/items:nothing/subscribe`, {}, 401, 'UNAUTHORIZED'],
      [`${base}/items:nothing/subscribe`, bearer('ada'), 403, 'FORBIDDEN'],
      [`${base}/items:nothing/subscribe`, bearer('root'), 404, 'REALTIME_COLLECTION_NOT_FOUND'],
      [`${base}/items:Bad-Name/subscribe`, {}, 400, 'REALTIME_INVALID_CHANNEL'],
      [`${base}/not%20a%20channel/subscribe`, {}, 400, 'REALTIME_INVALID_CHANNEL'],
    ]
    for (const [path, headers, status, code] of cases) {
      const res = await app.request('GET', path, { headers })
      expect([path, res.status, codeOf(res.body)]).toEqual([path, status, code])
    }
  })

  it.skipIf(!dialect.available)(
    'without any read rule: 401 for anonymous callers, 403 for signed-in ones',
    async () => {
      await app.server.kernel
        .get(Permissions)
        .list('main', { collection: 'articles' })
        .then(async (rules) => {
          const original = rules.map((r) => ({ ...r }))
          for (const rule of rules) await app.server.kernel.get(Permissions).remove('main', rule.id)
          try {
            const anon = await app.request('GET', '/api/realtime/items:articles/subscribe')
            expect([anon.status, codeOf(anon.body)]).toEqual([401, 'UNAUTHORIZED'])
            const ada = await app.request('GET', '/api/realtime/items:articles/subscribe', {
              headers: bearer('ada'),
            })
            expect([ada.status, codeOf(ada.body)]).toEqual([403, 'FORBIDDEN'])
          } finally {
            for (const r of original) {
              await app.grant({
                role: r.role,
                collection: r.collection,
                action: r.action,
                filter: r.filter,
                fields: r.fields,
              })
            }
          }
        })
    },
  )
})
