// Item events are written in the write's own transaction (collections' `items.committing`):
// a write rolled back after realtime logged its event leaves no event and no used number, and
// events reach subscribers after commit. With the real @backlex/collections, on both dialects.
import { Collections, type ItemsCommittingPayload } from '@backlex/collections'
import { BacklexError, definePlugin } from '@backlex/kernel'
import { dialects, type TestDatabase } from '@backlex/test-utils'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { bearer, StreamClient, sleep, startServer, type TestServer } from './helpers.js'

/** Refuses, after every other `items.committing` hook (realtime's included), titles "refused". */
const refuser = definePlugin({
  name: '@backlex/test-refuser',
  version: '0.0.0',
  register(ctx) {
    ctx.on.filter<ItemsCommittingPayload>('items.committing', (payload) => {
      const rows = payload.event.after ?? []
      if (rows.some((r) => r.title === 'refused')) {
        throw new BacklexError('TEST_REFUSED', 409, 'Refused after the event was logged.')
      }
      return undefined
    })
  },
})

describe.each(dialects)('the item event outbox on $dialect', (dialect) => {
  let database: TestDatabase
  let app: TestServer
  const streams: StreamClient[] = []
  const asRoot = bearer('root')

  beforeAll(async () => {
    if (!dialect.available) return
    database = await dialect.create()
    app = await startServer(database, { plugins: [refuser()] })
    app.tokens.set('root', { id: 'root', roles: ['admin'], admin: true })
    await app.server.kernel.get(Collections).create('main', {
      slug: 'memos',
      fields: [{ name: 'title', type: 'string' }],
    })
  })
  afterAll(async () => {
    for (const s of streams) s.close()
    await app?.close()
    await database?.cleanup()
  })

  it.skipIf(!dialect.available)(
    'a write rolled back after its event was logged leaves no event and no gap',
    async () => {
      const stream = new StreamClient(`${app.url}/api/realtime/items:memos/subscribe`, asRoot)
      streams.push(stream)
      await stream.next('ready')
      const refused = await app.request('POST', '/api/items/memos', {
        headers: asRoot,
        body: { title: 'refused' },
      })
      expect(refused.status).toBe(409)
      const ok = await app.request('POST', '/api/items/memos', {
        headers: asRoot,
        body: { title: 'kept' },
      })
      expect(ok.status).toBe(201)
      const created = await stream.next('create')
      expect([created.id, (created.data.data as { title: string }).title]).toEqual(['1', 'kept'])
      await sleep(50)
      expect(stream.of('create')).toHaveLength(1)
      // The log holds the kept write only, numbered 1: resume from 0 replays exactly that.
      const replay = new StreamClient(
        `${app.url}/api/realtime/items:memos/subscribe?lastEventId=0`,
        asRoot,
      )
      streams.push(replay)
      await replay.next('ready')
      expect(replay.events.map((e) => [e.type, e.id])).toEqual([
        ['create', '1'],
        ['ready', '1'],
      ])
    },
  )
})
