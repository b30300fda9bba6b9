// Resume: event numbers increase per channel; a reconnect with Last-Event-ID replays exactly
// what was missed (no event lost or repeated), filtered by the caller's permissions; past
// retention (by count or by age), or from a number the server never gave, it sends `reset`.
import { dialects, type TestDatabase } from '@backlex/test-utils'
import { afterEach, describe, expect, it } from 'vitest'
import { type ReceivedEvent, StreamClient, startServer, type TestServer } from './helpers.js'

const row = (id: number, status = 'published') => ({
  id,
  title: `t${id}`,
  status,
  owner: 'o',
  views: id,
  secret: 's',
})

const creates = (stream: StreamClient) => stream.of('create').map((e) => e.data.key)
const ids = (events: ReceivedEvent[]) => events.map((e) => Number(e.id))

describe.each(dialects)('resume on $dialect', (dialect) => {
  let database: TestDatabase | undefined
  let app: TestServer | undefined
  const streams: StreamClient[] = []
  const subscribe = (headers: Record<string, string> = {}) => {
    const stream = new StreamClient(
      `${(app as TestServer).url}/api/realtime/items:articles/subscribe`,
      headers,
    )
    streams.push(stream)
    return stream
  }
  const emit = (...keys: number[]) =>
    app?.emit('items.created', {
      collection: 'articles',
      keys,
      after: keys.map((k) => row(k, k % 10 === 0 ? 'draft' : 'published')),
    })

  async function start(options: Parameters<typeof startServer>[1] = {}) {
    database = await dialect.create()
    app = await startServer(database, options)
    await app.grant({
      role: 'public',
      collection: 'articles',
      action: 'read',
      filter: { status: { _eq: 'published' } },
      fields: ['id', 'title'],
    })
    return app
  }

  afterEach(async () => {
    for (const s of streams.splice(0)) s.close()
    await app?.close()
    await database?.cleanup()
    app = undefined
    database = undefined
  })

  it.skipIf(!dialect.available)(
    'a reconnect with Last-Event-ID gets exactly the missed events, then ready, then live ones',
    async () => {
      await start()
      const first = subscribe()
      await first.next('ready')
      emit(1, 2)
      await first.next('create', 2)
      const last = first.of('create')[1] as ReceivedEvent
      first.close()
      // Missed while away: 3 and 4 visible, 10 a draft this caller may not see.
      emit(3, 10, 4)
      await app?.server.kernel.events.settled()
      const again = subscribe({ 'last-event-id': last.id })
      const ready = await again.next('ready')
      expect(creates(again)).toEqual([3, 4])
      // `ready` carries the channel's position, past the draft the caller never saw.
      expect(Number(ready.id)).toBe(Number(last.id) + 3)
      emit(5)
      await again.next('create', 3)
      expect(creates(again)).toEqual([3, 4, 5])
      expect(again.events.map((e) => e.type)).toEqual(['create', 'create', 'ready', 'create'])
      const numbers = ids(again.of('create'))
      expect(numbers).toEqual([...numbers].sort((a, b) => a - b))
    },
  )

  it.skipIf(!dialect.available)(
    "EventSource's own reconnect after a dropped connection loses and repeats nothing",
    async () => {
      await start()
      const stream = subscribe()
      await stream.next('ready')
      emit(1, 2, 3)
      await stream.next('create', 3)
      // Drop every socket, and keep writing while the client is away.
      app?.server.server.closeAllConnections()
      emit(4, 5)
      emit(6)
      await stream.next('ready', 2)
      emit(7, 8)
      await stream.next('create', 8)
      expect(creates(stream)).toEqual([1, 2, 3, 4, 5, 6, 7, 8])
      const numbers = ids(stream.of('create'))
      expect(new Set(numbers).size).toBe(8)
      expect(numbers).toEqual([...numbers].sort((a, b) => a - b))
    },
  )

  it.skipIf(!dialect.available)(
    'past the retained count, a reconnect gets reset instead of a partial replay',
    async () => {
      await start({ realtime: { retention: { maxEventsPerChannel: 20 } } })
      const stream = subscribe()
      await stream.next('ready')
      emit(1)
      const seen = await stream.next('create')
      stream.close()
      // 130 more events: numbers up to 100 cross the trimming point, keeping the last 20.
      for (let i = 0; i < 13; i++) emit(...Array.from({ length: 10 }, (_, j) => 1001 + i * 10 + j))
      await app?.server.kernel.events.settled()
      const again = subscribe({ 'last-event-id': seen.id })
      const reset = await again.next('reset')
      const ready = await again.next('ready')
      expect(reset.data).toEqual({ channel: 'items:articles' })
      expect(reset.id).toBe(ready.id)
      expect(Number(ready.id)).toBe(131)
      expect(again.of('create')).toEqual([])
    },
  )

  it.skipIf(!dialect.available)('past the retained age, a reconnect gets reset', async () => {
    let now = Date.parse('2026-01-01T00:00:00Z')
    await start({
      realtime: { pruneIntervalMs: 20, retention: { maxAgeMs: 60_000 } },
      config: { clock: { now: () => new Date(now) } },
    })
    const stream = subscribe()
    await stream.next('ready')
    emit(1)
    const seen = await stream.next('create')
    stream.close()
    emit(2)
    await app?.server.kernel.events.settled()
    now += 120_000
    // Pruning runs on its interval; reconnect until the old events are gone.
    const deadline = Date.now() + 5000
    let again: StreamClient | undefined
    while (Date.now() < deadline) {
      again = subscribe({ 'last-event-id': seen.id })
      await again.next('ready')
      if (again.of('reset').length > 0) break
      again.close()
      await new Promise((r) => setTimeout(r, 50))
    }
    expect(again?.of('reset')).toHaveLength(1)
    expect(again?.of('create')).toEqual([])
  })

  it.skipIf(!dialect.available)(
    'a Last-Event-ID the server never gave, or garbage, gets reset',
    async () => {
      await start()
      emit(1)
      await app?.server.kernel.events.settled()
      for (const id of ['999999', 'abc']) {
        const stream = subscribe({ 'last-event-id': id })
        await stream.next('ready')
        expect(stream.events.map((e) => e.type)).toEqual(['reset', 'ready'])
        expect(stream.of('ready')[0]?.id).toBe('1')
        stream.close()
      }
      // The lastEventId query parameter works like the header.
      const viaQuery = new StreamClient(
        `${app?.url}/api/realtime/items:articles/subscribe?lastEventId=0`,
      )
      streams.push(viaQuery)
      await viaQuery.next('ready')
      expect(viaQuery.events.map((e) => e.type)).toEqual(['create', 'ready'])
    },
  )
})
