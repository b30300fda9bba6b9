// With the real @backlex/collections: writes through the items REST API reach subscribers
// filtered by their permissions, schema changes reach admins on `collections`, and deleting a
// collection ends the streams of its items channel. On both dialects.
import { Collections } from '@backlex/collections'
import { dialects, type TestDatabase } from '@backlex/test-utils'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { bearer, codeOf, StreamClient, startServer, type TestServer } from './helpers.js'

describe.each(dialects)('with collections on $dialect', (dialect) => {
  let database: TestDatabase
  let app: TestServer
  const streams: StreamClient[] = []
  const open = (channel: string, headers: Record<string, string> = {}, query = '') => {
    const stream = new StreamClient(`${app.url}/api/realtime/${channel}/subscribe${query}`, headers)
    streams.push(stream)
    return stream
  }
  const asRoot = bearer('root')

  beforeAll(async () => {
    if (!dialect.available) return
    database = await dialect.create()
    app = await startServer(database)
    app.tokens.set('root', { id: 'root', roles: ['admin'], admin: true })
    app.tokens.set('ed', { id: 'ed', roles: ['editor'] })
    await app.server.kernel.get(Collections).create('main', {
      slug: 'posts',
      fields: [
        { name: 'title', type: 'string' },
        { name: 'status', type: 'string' },
        { name: 'secret', type: 'string' },
        { name: 'published', type: 'boolean' },
      ],
    })
    await app.grant({
      role: 'public',
      collection: 'posts',
      action: 'read',
      filter: { status: { _eq: 'published' } },
      fields: ['title', 'status', 'published'],
    })
  })
  afterAll(async () => {
    for (const s of streams) s.close()
    await app?.close()
    await database?.cleanup()
  })

  it.skipIf(!dialect.available)(
    'item writes through the REST API reach each subscriber as it may see them',
    async () => {
      const anon = open('items:posts')
      const admin = open('items:posts', asRoot)
      const narrow = open('items:posts', asRoot, '?filter[published][_eq]=true&fields=id,title')
      await Promise.all([anon.next('ready'), admin.next('ready'), narrow.next('ready')])

      const created = await app.request('POST', '/api/items/posts', {
        headers: asRoot,
        body: { title: 'Hello', status: 'published', secret: 'psst', published: true },
      })
      expect(created.status).toBe(201)
      const id = (created.body as { data: { id: number } }).data.id

      const seenByAnon = await anon.next('create')
      expect(seenByAnon.data).toEqual({
        collection: 'posts',
        key: id,
        data: { id, title: 'Hello', status: 'published', published: true },
      })
      expect((await admin.next('create')).data.data).toEqual({
        id,
        title: 'Hello',
        status: 'published',
        secret: 'psst',
        published: true,
      })
      expect((await narrow.next('create')).data.data).toEqual({ id, title: 'Hello' })

      // What the REST API shows anonymous callers is what the stream showed.
      const rest = await app.request('GET', `/api/items/posts/${id}`)
      expect((rest.body as { data: unknown }).data).toEqual(seenByAnon.data.data)

      const patched = await app.request('PATCH', `/api/items/posts/${id}`, {
        headers: asRoot,
        body: { status: 'draft' },
      })
      expect(patched.status).toBe(200)
      expect((await anon.next('leave')).data).toEqual({ collection: 'posts', key: id })
      expect((await admin.next('update')).data.data).toMatchObject({ id, status: 'draft' })

      const deleted = await app.request('DELETE', `/api/items/posts/${id}`, { headers: asRoot })
      expect(deleted.status).toBe(204)
      expect((await admin.next('delete')).data).toEqual({ collection: 'posts', key: id })
      // The anonymous stream could not see the draft, so it never hears of its deletion.
      const marker = await app.request('POST', '/api/items/posts', {
        headers: asRoot,
        body: { title: 'Next', status: 'published', published: false },
      })
      expect(marker.status).toBe(201)
      await anon.next('create', 2)
      expect(anon.events.map((e) => e.type)).toEqual(['ready', 'create', 'leave', 'create'])
    },
  )

  it.skipIf(!dialect.available)('schema events are for admins', async () => {
    const anon = await app.request('GET', '/api/realtime/collections/subscribe')
    expect([anon.status, codeOf(anon.body)]).toEqual([401, 'UNAUTHORIZED'])
    const editor = await app.request('GET', '/api/realtime/collections/subscribe', {
      headers: bearer('ed'),
    })
    expect([editor.status, codeOf(editor.body)]).toEqual([403, 'FORBIDDEN'])

    const schema = open('collections', asRoot)
    await schema.next('ready')
    const items = open('items:posts', asRoot)
    await items.next('ready')
    const service = app.server.kernel.get(Collections)
    await service.create('main', { slug: 'comments', fields: [{ name: 'body', type: 'text' }] })
    expect((await schema.next('create')).data).toEqual({
      channel: 'collections',
      slug: 'comments',
      action: 'create',
    })
    await service.remove('main', 'posts')
    expect((await schema.next('delete')).data).toMatchObject({ slug: 'posts', action: 'delete' })
    const end = await items.next('end')
    expect(end.data.code).toBe('REALTIME_COLLECTION_DELETED')
  })
})
