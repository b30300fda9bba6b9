// Free-form channels: anyone subscribes, signed-in callers publish (rate-limited through the
// Kv, 429 with Retry-After), plugins may refuse or change messages through filter hooks, and
// messages resume like item events. On both dialects.
import { BacklexError, definePlugin } from '@backlex/kernel'
import { dialects, type TestDatabase } from '@backlex/test-utils'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { RealtimePublish, RealtimeSubscribe } from '../src/index.js'
import { bearer, codeOf, StreamClient, startServer, type TestServer } from './helpers.js'

/** Refuses `secret.*` channels to anonymous callers and stamps messages on `stamped`. */
const hooks = definePlugin({
  name: '@backlex/test-realtime-hooks',
  version: '0.0.0',
  register(ctx) {
    ctx.on.filter(RealtimeSubscribe, (payload, hook) => {
      if (payload.channel.startsWith('secret.') && hook.principal.type === 'anonymous') {
        throw new BacklexError('FORBIDDEN', 403, 'Members only.')
      }
      return undefined
    })
    ctx.on.filter(RealtimePublish, (payload) => {
      if (payload.data === 'forbidden word') throw new BacklexError('FORBIDDEN', 403, 'No.')
      return payload.channel === 'stamped'
        ? { ...payload, data: { text: payload.data, stamped: true } }
        : undefined
    })
  },
})

describe.each(dialects)('free-form channels on $dialect', (dialect) => {
  let database: TestDatabase
  let app: TestServer
  const streams: StreamClient[] = []
  const subscribe = (channel: string, headers: Record<string, string> = {}) => {
    const stream = new StreamClient(`${app.url}/api/realtime/${channel}/subscribe`, headers)
    streams.push(stream)
    return stream
  }
  const publish = (channel: string, body: unknown, token = 'ann') =>
    app.request('POST', `/api/realtime/${channel}/publish`, {
      body,
      headers: token ? bearer(token) : {},
    })

  beforeAll(async () => {
    if (!dialect.available) return
    database = await dialect.create()
    app = await startServer(database, {
      plugins: [hooks()],
      realtime: { publishRateLimit: { max: 3, windowMs: 60_000 }, maxMessageBytes: 100 },
    })
    for (const name of ['ann', 'ben', 'cal']) app.tokens.set(name, { id: name, roles: [] })
    app.tokens.set('ro', {
      type: 'apiKey',
      id: 'ro',
      userId: 'ann',
      roles: [],
      scopes: { readOnly: true, tools: null },
    })
  })
  afterAll(async () => {
    for (const s of streams) s.close()
    await app?.close()
    await database?.cleanup()
  })

  it.skipIf(!dialect.available)(
    'anyone subscribes; a signed-in caller publishes to everyone',
    async () => {
      const anon = subscribe('chat.lobby')
      const member = subscribe('chat.lobby', bearer('ben'))
      await Promise.all([anon.next('ready'), member.next('ready')])
      const res = await publish('chat.lobby', { data: { text: 'hello' } })
      expect(res.status).toBe(201)
      expect(res.body).toEqual({ data: { channel: 'chat.lobby', id: 1 } })
      for (const stream of [anon, member]) {
        const message = await stream.next('message')
        expect(message.id).toBe('1')
        expect(message.data).toEqual({
          channel: 'chat.lobby',
          data: { text: 'hello' },
          sender: { type: 'user', id: 'ann' },
        })
      }
    },
  )

  it.skipIf(!dialect.available)(
    'publishing refuses what it should, and writes nothing',
    async () => {
      const watcher = subscribe('quiet')
      await watcher.next('ready')
      const cases: [string, unknown, string, number, string][] = [
        ['quiet', { data: 1 }, '', 401, 'UNAUTHORIZED'],
        // Publishing is a write: the kernel refuses it to a read-only key before realtime runs.
        ['quiet', { data: 1 }, 'ro', 403, 'READ_ONLY_KEY'],
        ['quiet', { data: 'x'.repeat(200) }, 'ben', 413, 'REALTIME_MESSAGE_TOO_LARGE'],
        ['quiet', { text: 'no data key' }, 'ben', 400, 'VALIDATION_FAILED'],
        ['quiet', { data: 1, extra: true }, 'ben', 400, 'VALIDATION_FAILED'],
        ['quiet', { data: 'forbidden word' }, 'ben', 403, 'FORBIDDEN'],
        ['items:articles', { data: 1 }, 'ben', 400, 'REALTIME_NOT_PUBLISHABLE'],
        ['presence:room', { data: 1 }, 'ben', 400, 'REALTIME_NOT_PUBLISHABLE'],
        ['collections', { data: 1 }, 'ben', 400, 'REALTIME_NOT_PUBLISHABLE'],
        ['Not Valid', { data: 1 }, 'ben', 400, 'REALTIME_INVALID_CHANNEL'],
      ]
      for (const [channel, body, token, status, code] of cases) {
        const res = await publish(encodeURIComponent(channel), body, token)
        expect([channel, res.status, codeOf(res.body)]).toEqual([channel, status, code])
      }
      const ok = await publish('quiet', { data: 'only this' }, 'cal')
      expect(ok.status).toBe(201)
      await watcher.next('message')
      expect(watcher.of('message').map((m) => m.data.data)).toEqual(['only this'])
      expect(watcher.of('message')[0]?.id).toBe('1')
    },
  )

  it.skipIf(!dialect.available)(
    'a caller past the rate limit gets 429 with Retry-After; others are not affected',
    async () => {
      app.tokens.set('fast', { id: 'fast', roles: [] })
      const statuses: number[] = []
      let last: Awaited<ReturnType<typeof publish>> | undefined
      for (let i = 0; i < 4; i++) {
        last = await publish('busy', { data: i }, 'fast')
        statuses.push(last.status)
      }
      expect(statuses).toEqual([201, 201, 201, 429])
      expect(codeOf(last?.body)).toBe('REALTIME_RATE_LIMITED')
      const retryAfter = Number(last?.headers.get('retry-after'))
      expect(retryAfter).toBeGreaterThanOrEqual(1)
      expect(retryAfter).toBeLessThanOrEqual(60)
      expect((await publish('busy', { data: 'other caller' }, 'cal')).status).toBe(201)
    },
  )

  it.skipIf(!dialect.available)(
    'filter hooks may refuse a subscription or change a message',
    async () => {
      const refused = await app.request('GET', '/api/realtime/secret.plans/subscribe')
      expect([refused.status, codeOf(refused.body)]).toEqual([403, 'FORBIDDEN'])
      const member = subscribe('secret.plans', bearer('ben'))
      const stamped = subscribe('stamped')
      await Promise.all([member.next('ready'), stamped.next('ready')])
      await publish('stamped', { data: 'hi' }, 'ben')
      expect((await stamped.next('message')).data.data).toEqual({ text: 'hi', stamped: true })
    },
  )

  it.skipIf(!dialect.available)('messages resume like item events', async () => {
    const first = subscribe('news')
    await first.next('ready')
    // A caller of its own: the rate limit (3 per window here) counts per caller.
    app.tokens.set('dee', { id: 'dee', roles: [] })
    expect((await publish('news', { data: 'one' }, 'dee')).status).toBe(201)
    const seen = await first.next('message')
    first.close()
    expect((await publish('news', { data: 'two' }, 'dee')).status).toBe(201)
    const again = subscribe('news', { 'last-event-id': seen.id })
    await again.next('ready')
    expect(again.events.map((e) => [e.type, e.data.data ?? null])).toEqual([
      ['message', 'two'],
      ['ready', null],
    ])
  })

  it.skipIf(!dialect.available)('the Realtime service publishes as the server', async () => {
    const { Realtime } = await import('../src/index.js')
    const stream = subscribe('deploys')
    await stream.next('ready')
    const { id } = await app.server.kernel.get(Realtime).publish('main', 'deploys', { v: 2 })
    const message = await stream.next('message')
    expect(message.id).toBe(String(id))
    expect(message.data).toEqual({
      channel: 'deploys',
      data: { v: 2 },
      sender: { type: 'system', id: null },
    })
    const service = app.server.kernel.get(Realtime)
    await expect(service.publish('main', 'items:articles', 1)).rejects.toMatchObject({
      code: 'REALTIME_NOT_PUBLISHABLE',
    })
    await expect(service.publish('main', 'Bad Name', 1)).rejects.toMatchObject({
      code: 'REALTIME_INVALID_CHANNEL',
    })
  })
})
