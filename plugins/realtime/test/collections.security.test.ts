// Realtime must not leak through its event log or its update events: a dropped collection's
// history never replays into a new collection of the same slug (resume from 0 or from an old
// Last-Event-ID gets `reset`), and a subscriber hears nothing of an update that changed only
// fields it cannot read. With the real @backlex/collections, on both dialects.
import { Collections, collections } from '@backlex/collections'
import { createBacklex, defineConfig } from '@backlex/kernel'
import { permissions } from '@backlex/permissions'
import { dialects, silentLogger, type TestDatabase } from '@backlex/test-utils'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { bearer, StreamClient, sleep, startServer, type TestServer } from './helpers.js'

describe.each(dialects)('realtime security with collections on $dialect', (dialect) => {
  let database: TestDatabase
  let app: TestServer
  const streams: StreamClient[] = []
  const open = (channel: string, headers: Record<string, string> = {}, query = '') => {
    const stream = new StreamClient(`${app.url}/api/realtime/${channel}/subscribe${query}`, headers)
    streams.push(stream)
    return stream
  }
  const asRoot = bearer('root')
  const asReader = bearer('rd')
  const post = async (slug: string, body: Record<string, unknown>) => {
    const res = await app.request('POST', `/api/items/${slug}`, { headers: asRoot, body })
    expect(res.status).toBe(201)
    return (res.body as { data: { id: number } }).data.id
  }

  beforeAll(async () => {
    if (!dialect.available) return
    database = await dialect.create()
    app = await startServer(database)
    app.tokens.set('root', { id: 'root', roles: ['admin'], admin: true })
    app.tokens.set('rd', { id: 'rd', roles: ['reader'] })
  })
  afterAll(async () => {
    for (const s of streams) s.close()
    await app?.close()
    await database?.cleanup()
  })

  it.skipIf(!dialect.available)(
    "a dropped collection's events never replay into one created later with the same slug",
    async () => {
      const service = app.server.kernel.get(Collections)
      const fields = [{ name: 'title', type: 'string' as const }]
      await service.create('main', { slug: 'notes', fields })
      for (const title of ['old 1', 'old 2', 'old 3']) await post('notes', { title })
      // A subscriber that saw the old collection's events up to its last one.
      const before = open('items:notes', asRoot, '?lastEventId=0')
      await before.next('create', 3)
      const lastOld = before.of('create')[2]?.id
      expect(lastOld).toBe('3')

      const schema = open('collections', asRoot)
      await schema.next('ready')
      await service.remove('main', 'notes')
      // Every instance purges the channel before it tells admins of the drop.
      await schema.next('delete')
      await service.create('main', { slug: 'notes', fields })
      await post('notes', { title: 'new 1' })

      for (const from of ['0', '1', lastOld]) {
        const stream = open('items:notes', asRoot, `?lastEventId=${from}`)
        await stream.next('ready')
        const titles = stream
          .of('create')
          .map((e) => (e.data.data as { title?: string } | undefined)?.title)
        expect({ from, titles }).toEqual({ from, titles: [] })
        expect({ from, reset: stream.of('reset').length }).toEqual({ from, reset: 1 })
        // Live events of the new collection still arrive.
        const id = await post('notes', { title: `live after ${from}` })
        expect((await stream.next('create')).data.key).toBe(id)
        expect(stream.of('create').map((e) => (e.data.data as { title: string }).title)).toEqual([
          `live after ${from}`,
        ])
      }
    },
  )

  it.skipIf(!dialect.available)(
    'a history kept by a crash between a drop and its purge is purged when realtime starts',
    async () => {
      const fields = [{ name: 'title', type: 'string' as const }]
      await app.server.kernel.get(Collections).create('main', { slug: 'ledger', fields })
      for (const title of ['old a', 'old b']) await post('ledger', { title })
      // Another server, without realtime (as if it died before purging), drops the collection
      // and creates it again.
      const other = createBacklex(
        defineConfig({
          plugins: [database.plugin(), permissions(), collections()],
          dev: true,
          logger: silentLogger(),
        }),
      )
      await other.boot()
      await other.get(Collections).remove('main', 'ledger')
      await other.get(Collections).create('main', { slug: 'ledger', fields })
      await other.shutdown()

      const restarted = await startServer(database)
      try {
        restarted.tokens.set('root', { id: 'root', roles: ['admin'], admin: true })
        const stream = new StreamClient(
          `${restarted.url}/api/realtime/items:ledger/subscribe?lastEventId=0`,
          asRoot,
        )
        streams.push(stream)
        await stream.next('ready')
        expect(stream.events.map((e) => e.type)).toEqual(['reset', 'ready'])
      } finally {
        await restarted.close()
      }
    },
  )

  it.skipIf(!dialect.available)(
    'an update of only fields a subscriber cannot read reaches admins, not that subscriber',
    async () => {
      await app.server.kernel.get(Collections).create('main', {
        slug: 'staff',
        fields: [
          { name: 'name', type: 'string' },
          { name: 'salary', type: 'integer' },
        ],
      })
      await app.grant({ role: 'reader', collection: 'staff', action: 'read', fields: ['name'] })
      const id = await post('staff', { name: 'Ada', salary: 100 })

      const reader = open('items:staff', asReader)
      const admin = open('items:staff', asRoot)
      await Promise.all([reader.next('ready'), admin.next('ready')])

      const hidden = await app.request('PATCH', `/api/items/staff/${id}`, {
        headers: asRoot,
        body: { salary: 200 },
      })
      expect(hidden.status).toBe(200)
      expect((await admin.next('update')).data.data).toEqual({ id, name: 'Ada', salary: 200 })

      const seen = await app.request('PATCH', `/api/items/staff/${id}`, {
        headers: asRoot,
        body: { name: 'Ada L.' },
      })
      expect(seen.status).toBe(200)
      await admin.next('update', 2)
      const update = await reader.next('update')
      expect(update.data.data).toEqual({ id, name: 'Ada L.' })
      await sleep(50)
      // The salary-only update never reached the reader: its first update is the name change.
      expect(reader.of('update').map((e) => e.data.data)).toEqual([{ id, name: 'Ada L.' }])
      expect(reader.of('update')[0]?.id).toBe(admin.of('update')[1]?.id)
    },
  )
})
