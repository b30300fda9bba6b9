// Subscriptions over SSE with the real graphql-sse client, on both dialects: the same per-event
// permission filtering as the realtime feeds (rows and fields), LEAVE when a row moves out of
// view, the subscriber's own filter, relations on payloads through the items engine, errors as
// `next` events with stable codes, the protections, and unsubscribing frees the stream.
import { Collections } from '@backlex/collections'
import { Realtime, realtime } from '@backlex/realtime'
import { dialects } from '@backlex/test-utils'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createBlog } from './helpers/blog.js'
import { ADMIN, codes, PRINCIPAL_HEADER, startServer, type TestServer } from './helpers/server.js'
import { Subscription } from './helpers/subscriptions.js'

const READER = { id: 'u-reader', roles: ['reader'] }

type Change = { type: string; key: number; data: Record<string, unknown> | null }

describe.each(dialects.filter((d) => d.available))(
  'graphql subscriptions on $dialect',
  (dialect) => {
    let t: TestServer
    const open: Subscription[] = []
    const subscribe = async (
      query: string,
      as?: object,
      variables?: Record<string, unknown>,
      path = '/stream',
    ) => {
      const s = await Subscription.open(`${t.url}${path}`, query, variables, as)
      open.push(s)
      return s
    }
    const create = async (data: Record<string, unknown>) => {
      const res = await t.gql<{ articlesCreate: { id: number } }>(
        'mutation($d: articlesCreateInput!) { articlesCreate(data: $d) { id } }',
        { d: data },
        ADMIN,
      )
      expect(res.errors).toBeUndefined()
      return res.data?.articlesCreate.id as number
    }
    const update = async (id: number, data: Record<string, unknown>) => {
      const res = await t.gql(
        'mutation($id: ID!, $d: articlesUpdateInput!) { articlesUpdate(id: $id, data: $d) { id } }',
        { id, d: data },
        ADMIN,
      )
      expect(res.errors).toBeUndefined()
    }
    const stats = () => t.server.kernel.get(Realtime).stats()

    beforeAll(async () => {
      t = await startServer(dialect, {
        extra: [realtime({ heartbeatMs: 60_000, retryMs: 50, gapWaitMs: 20 })],
      })
      await createBlog(t)
      await t.sql(`insert into c_main_authors (name, country) values ('Ada', 'UK')`)
      await t.permit({
        role: 'reader',
        collection: 'articles',
        action: 'read',
        filter: { status: { _eq: 'published' } },
        fields: ['title', 'status', 'views', 'author'],
      })
      await t.permit({ role: 'reader', collection: 'authors', action: 'read', fields: ['name'] })
    })
    afterAll(async () => {
      for (const s of open) s.close()
      await t?.close()
    })

    it('an admin receives create, update and delete', async () => {
      const s = await subscribe(
        'subscription { articlesChanges { type key data { id title views } } }',
        ADMIN,
      )
      const id = await create({ title: 'First', views: 1 })
      await update(id, { views: 2 })
      await t.gql('mutation($id: ID!) { articlesDelete(id: $id) }', { id }, ADMIN)
      await s.until(() => s.of('articlesChanges').length === 3, 'three changes')
      expect(s.of<Change>('articlesChanges')).toEqual([
        { type: 'CREATE', key: id, data: { id, title: 'First', views: 1 } },
        { type: 'UPDATE', key: id, data: { id, title: 'First', views: 2 } },
        { type: 'DELETE', key: id, data: null },
      ])
      expect(s.results.every((r) => r.errors === undefined)).toBe(true)
    })

    it('a row-filtered role gets only rows and fields it may read; moving out is LEAVE', async () => {
      const s = await subscribe(
        'subscription { articlesChanges { type key data { id title status } } }',
        READER,
      )
      const draft = await create({ title: 'Draft', status: 'draft', secret: 's1' })
      const live = await create({ title: 'Live', status: 'published', secret: 's2' })
      await update(live, { status: 'draft' })
      await s.until(() => s.of('articlesChanges').length === 2, 'create and leave')
      expect(s.of<Change>('articlesChanges')).toEqual([
        { type: 'CREATE', key: live, data: { id: live, title: 'Live', status: 'published' } },
        { type: 'LEAVE', key: live, data: null },
      ])
      // A later change proves nothing about the draft was held back.
      const marker = await create({ title: 'Marker', status: 'published' })
      await s.until(() => s.of('articlesChanges').length === 3, 'the marker')
      expect(s.of<Change>('articlesChanges').map((c) => c.key)).not.toContain(draft)
      expect(s.of<Change>('articlesChanges')[2]?.key).toBe(marker)
    })

    it('a field the role cannot read cannot even be selected', async () => {
      const s = await subscribe('subscription { articlesChanges { key data { secret } } }', READER)
      await s.until(() => s.completed, 'complete')
      expect(s.codes()).toEqual(['GRAPHQL_VALIDATION_FAILED'])
      expect(s.results[0]?.data).toBeUndefined()
    })

    it('its own filter argument narrows what it receives', async () => {
      const s = await subscribe(
        'subscription($min: Int) { articlesChanges(filter: { views: { _gte: $min } }) { type key } }',
        READER,
        { min: 100 },
      )
      await create({ title: 'Low', status: 'published', views: 5 })
      const high = await create({ title: 'High', status: 'published', views: 500 })
      await s.until(() => s.of('articlesChanges').length === 1, 'the high one')
      expect(s.of<Change>('articlesChanges')).toEqual([{ type: 'CREATE', key: high }])
      // A relational filter cannot match in process: refused with the realtime code.
      const relational = await subscribe(
        'subscription { articlesChanges(filter: { author: { name: { _eq: "Ada" } } }) { key } }',
        READER,
      )
      await relational.until(() => relational.completed, 'complete')
      expect(relational.codes()).toEqual(['INVALID_FILTER'])
    })

    it('relations on the payload resolve through the items engine as the caller', async () => {
      const s = await subscribe(
        'subscription { articlesChanges { key data { title author { name } } } }',
        READER,
      )
      const id = await create({ title: 'With author', status: 'published', author: 1 })
      await s.until(() => s.of('articlesChanges').length === 1, 'the create')
      expect(s.of<Change>('articlesChanges')[0]).toEqual({
        key: id,
        data: { title: 'With author', author: { name: 'Ada' } },
      })
    })

    it('a caller that may not read the collection gets an error, not a stream', async () => {
      const anonymous = await subscribe('subscription { articlesChanges { key } }')
      await anonymous.until(() => anonymous.completed, 'complete')
      expect(anonymous.codes()).toEqual(['GRAPHQL_VALIDATION_FAILED'])
      // A caller without any readable collection has no Subscription type at all.
      const res = await t.gql<{ __schema: { subscriptionType: unknown } }>(
        '{ __schema { subscriptionType { name } } }',
      )
      expect(res.data?.__schema.subscriptionType).toBeNull()
    })

    it('unsubscribing releases the stream', async () => {
      const before = stats()
      const s = await subscribe('subscription { articlesChanges { key } }', ADMIN)
      expect(stats().connections).toBe(before.connections + 1)
      expect(stats().channels).toBeGreaterThanOrEqual(1)
      s.close()
      const deadline = Date.now() + 5000
      while (stats().connections > before.connections && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 20))
      }
      expect(stats()).toEqual(before)
    })

    it('a subscription the server ends gets the reason as an error, then complete', async () => {
      await t.collection({ slug: 'notes', fields: [{ name: 'text', type: 'string' }] })
      const s = await subscribe('subscription { notesChanges { key } }', ADMIN)
      await t.server.kernel.get(Collections).remove('main', 'notes')
      await s.until(() => s.completed, 'complete')
      expect(s.codes()).toEqual(['REALTIME_COLLECTION_DELETED'])
      expect(s.error).toBeUndefined()
    })

    it('the protections apply to subscription documents', async () => {
      const deep = await subscribe(
        `subscription { articlesChanges { data { ${'comments { article { '.repeat(4)}id${' } }'.repeat(4)} } } }`,
        ADMIN,
      )
      await deep.until(() => deep.completed, 'complete')
      expect(deep.codes()).toEqual(['GRAPHQL_DEPTH_LIMIT'])
      // A subscription over plain JSON: a clear error, nothing subscribed.
      const plain = await t.gql('subscription { articlesChanges { key } }', undefined, ADMIN)
      expect([plain.status, codes(plain)]).toEqual([
        406,
        ['GRAPHQL_SUBSCRIPTION_NEEDS_EVENT_STREAM'],
      ])
    })

    it('speaks the graphql-sse protocol on /api/graphql by content negotiation', async () => {
      // Queries stream too: one `next`, then `complete`.
      const query = await subscribe('{ schemaVersion }', ADMIN, undefined, '')
      await query.until(() => query.completed, 'complete')
      expect(query.results).toEqual([{ data: { schemaVersion: expect.any(Number) } }])
      const res = await fetch(t.url, {
        method: 'POST',
        headers: {
          accept: 'text/event-stream',
          'content-type': 'application/json',
          [PRINCIPAL_HEADER]: JSON.stringify(ADMIN),
        },
        body: JSON.stringify({ query: '{ nope }' }),
      })
      expect(res.status).toBe(200)
      expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/)
      const text = await res.text()
      expect(text).toMatch(
        /event: next\ndata: \{"errors":\[\{"message":".*"GRAPHQL_VALIDATION_FAILED"/,
      )
      expect(text.endsWith('event: complete\ndata:\n\n')).toBe(true)
    })
  },
)

describe.each(dialects.filter((d) => d.available))(
  'graphql subscriptions at shutdown on $dialect',
  (dialect) => {
    it('a shutdown ends streams without `complete`, so clients reconnect elsewhere', async () => {
      const t = await startServer(dialect, { extra: [realtime({ heartbeatMs: 60_000 })] })
      let s: Subscription | undefined
      let closed = false
      try {
        await createBlog(t)
        s = await Subscription.open(
          `${t.url}/stream`,
          'subscription { articlesChanges { key } }',
          undefined,
          ADMIN,
        )
        const ended = s
        closed = true
        await t.close()
        await ended.until(() => ended.error !== undefined, 'the client to see the stream end')
        // graphql-sse reports a stream that ends without `complete` as a network error, which
        // it retries; `complete` would have ended the subscription for good.
        expect(ended.completed).toBe(false)
        expect(String(ended.error)).toMatch(/NetworkError|Connection closed/)
      } finally {
        s?.close()
        if (!closed) await t.close()
      }
    })
  },
)

describe.each(dialects.filter((d) => d.available))(
  'graphql without realtime on $dialect',
  (dialect) => {
    let t: TestServer
    beforeAll(async () => {
      t = await startServer(dialect)
      await createBlog(t)
    })
    afterAll(() => t?.close())

    it('has no Subscription type, and a subscription gets a stable code', async () => {
      const res = await t.gql<{ __schema: { subscriptionType: unknown } }>(
        '{ __schema { subscriptionType { name } } }',
        undefined,
        ADMIN,
      )
      expect(res.data?.__schema.subscriptionType).toBeNull()
      const s = await Subscription.open(
        `${t.url}/stream`,
        'subscription { articlesChanges { key } }',
        undefined,
        ADMIN,
      )
      try {
        await s.until(() => s.completed, 'complete')
        expect(s.codes()).toEqual(['GRAPHQL_SUBSCRIPTIONS_UNAVAILABLE'])
      } finally {
        s.close()
      }
    })
  },
)
