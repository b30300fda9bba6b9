// The stream itself: heartbeat comments for proxies, a bounded buffer per connection (a client
// that stops reading is cut with a reason while the others keep receiving), and test-publish.
import { request as httpRequest, type IncomingMessage } from 'node:http'
import { dialects, type TestDatabase } from '@backlex/test-utils'
import { afterEach, describe, expect, it } from 'vitest'
import { bearer, codeOf, StreamClient, startServer, type TestServer } from './helpers.js'

/** Opens a stream with node:http and does not read it until told to. */
function openUnread(url: string): Promise<IncomingMessage> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { headers: { accept: 'text/event-stream' } }, (res) => {
      res.pause()
      resolve(res)
    })
    req.on('error', reject)
    req.end()
  })
}

async function readAll(res: IncomingMessage): Promise<string> {
  let text = ''
  res.setEncoding('utf8')
  for await (const chunk of res) text += chunk
  return text
}

describe.each(dialects)('streams on $dialect', (dialect) => {
  let database: TestDatabase | undefined
  let app: TestServer | undefined
  const streams: StreamClient[] = []

  async function start(options: Parameters<typeof startServer>[1] = {}) {
    database = await dialect.create()
    app = await startServer(database, options)
    await app.grant({ role: 'public', collection: 'articles', action: 'read', fields: '*' })
    app.tokens.set('root', { id: 'root', roles: ['admin'], admin: true })
    app.tokens.set('ed', { id: 'ed', roles: ['editor'] })
    return app
  }
  afterEach(async () => {
    for (const s of streams.splice(0)) s.close()
    await app?.close()
    await database?.cleanup()
    app = undefined
    database = undefined
  })

  it.skipIf(!dialect.available)('sends heartbeat comments while idle', async () => {
    const server = await start({ realtime: { heartbeatMs: 30 } })
    const res = await fetch(`${server.url}/api/realtime/idle/subscribe`)
    const reader = res.body?.getReader()
    let text = ''
    while (reader && (text.match(/: heartbeat\n\n/g) ?? []).length < 2) {
      const chunk = await reader.read()
      if (chunk.done) break
      text += new TextDecoder().decode(chunk.value)
    }
    await reader?.cancel()
    expect(text).toMatch(/^retry: 50\n\n/)
    expect((text.match(/: heartbeat\n\n/g) ?? []).length).toBeGreaterThanOrEqual(2)
  })

  it.skipIf(!dialect.available)(
    'a graceful shutdown ends open streams at once (drain), and streams opened while draining',
    async () => {
      // Longer than the test's own timeout: only draining can end the streams in time.
      const server = await start({ shutdownTimeoutMs: 60_000 })
      const stream = new StreamClient(`${server.url}/api/realtime/items:articles/subscribe`)
      streams.push(stream)
      await stream.next('ready')
      const raw = await fetch(`${server.url}/api/realtime/free/subscribe`)
      const rawBody = raw.text()

      await server.server.kernel.drain()
      // A stream opened now only gets its reconnect delay, so the client comes back elsewhere.
      const late = await server.server.kernel.fetch(
        new Request('http://local/api/realtime/items:articles/subscribe'),
      )
      expect(late.status).toBe(200)
      expect(await late.text()).toBe('retry: 50\n\n')

      await server.close()
      expect(await rawBody).toMatch(/^retry: 50\n\n/)
      expect(server.logger.lines).not.toContainEqual(
        expect.objectContaining({
          fields: expect.objectContaining({ aborted: expect.anything() }),
        }),
      )
      app = undefined
    },
  )

  it.skipIf(!dialect.available)(
    'a client that stops reading is cut with a reason; the others get every event',
    async () => {
      const server = await start({
        realtime: { maxBufferBytes: 64 * 1024, slowConsumerGraceMs: 60_000 },
      })
      const url = `${server.url}/api/realtime/items:articles/subscribe`
      // The fast reader counts frames itself: the eventsource package parses 100 KB lines slowly.
      const fast = await fetch(url)
      const reader = fast.body?.getReader()
      const slow = await openUnread(url)
      const big = 'x'.repeat(100_000)
      const total = 300
      const decoder = new TextDecoder()
      const keys: number[] = []
      let buffer = ''
      /** Reads the fast stream until it has `count` creates. */
      const readUpTo = async (count: number) => {
        while (reader && keys.length < count) {
          const chunk = await reader.read()
          if (chunk.done) break
          buffer += decoder.decode(chunk.value, { stream: true })
          let end = buffer.indexOf('\n\n')
          while (end !== -1) {
            const frame = buffer.slice(0, end)
            buffer = buffer.slice(end + 2)
            const data = /^data: (.*)$/m.exec(frame)?.[1]
            if (frame.includes('event: create') && data) {
              keys.push((JSON.parse(data) as { key: number }).key)
            }
            end = buffer.indexOf('\n\n')
          }
        }
      }
      // One event at a time, each read by the fast client before the next is written.
      for (let i = 1; i <= total; i++) {
        server.emit('items.created', {
          collection: 'articles',
          keys: [i],
          after: [{ id: i, title: big, status: 's', owner: 'o', views: i, secret: '' }],
        })
        await readUpTo(i)
      }
      await reader?.cancel()
      expect(keys).toEqual(Array.from({ length: total }, (_, i) => i + 1))
      // The unread stream was ended: what it holds ends with the reason.
      slow.resume()
      const text = await readAll(slow)
      expect(text).toMatch(
        /event: end\ndata: \{"code":"REALTIME_SLOW_CONSUMER","message":"[^"]+"\}\n\n$/,
      )
      expect(text.match(/event: create/g)?.length ?? 0).toBeLessThan(total)
    },
  )

  it.skipIf(!dialect.available)(
    'test-publish sends a synthetic event through the same permissions',
    async () => {
      const server = await start()
      await server.grant({
        role: 'editor',
        collection: 'articles',
        action: 'read',
        filter: { owner: { _eq: '$CURRENT_USER' } },
        fields: ['id', 'owner'],
      })
      // Public may read everything here; narrow it so the editor's rule decides.
      const anon = new StreamClient(
        `${server.url}/api/realtime/items:articles/subscribe?filter[status][_eq]=live`,
      )
      const editor = new StreamClient(
        `${server.url}/api/realtime/items:articles/subscribe?fields=id,owner`,
        bearer('ed'),
      )
      streams.push(anon, editor)
      await Promise.all([anon.next('ready'), editor.next('ready')])
      const send = (body: unknown, token?: string) =>
        server.request('POST', '/api/realtime/items:articles/test-publish', {
          body,
          headers: token ? bearer(token) : {},
        })
      const row = { id: 7, title: 'Seven', status: 'draft', owner: 'ed', views: 1, secret: 's' }
      const cases: [unknown, string | undefined, number, string][] = [
        [{ type: 'create', after: row }, undefined, 401, 'UNAUTHORIZED'],
        [{ type: 'create', after: row }, 'ed', 403, 'FORBIDDEN'],
        [{ type: 'explode', after: row }, 'root', 400, 'VALIDATION_FAILED'],
        [{ type: 'create', after: { title: 'no key' } }, 'root', 400, 'VALIDATION_FAILED'],
        [{ type: 'delete' }, 'root', 400, 'VALIDATION_FAILED'],
      ]
      for (const [body, token, status, code] of cases) {
        const res = await send(body, token)
        expect([res.status, codeOf(res.body)]).toEqual([status, code])
      }
      const elsewhere = await server.request('POST', '/api/realtime/items:nothing/test-publish', {
        body: { type: 'create', after: row },
        headers: bearer('root'),
      })
      expect([elsewhere.status, codeOf(elsewhere.body)]).toEqual([
        404,
        'REALTIME_COLLECTION_NOT_FOUND',
      ])
      const free = await server.request('POST', '/api/realtime/chat/test-publish', {
        body: { type: 'create', after: row },
        headers: bearer('root'),
      })
      expect([free.status, codeOf(free.body)]).toEqual([400, 'REALTIME_NOT_PUBLISHABLE'])

      const ok = await send({ type: 'create', after: row }, 'root')
      expect(ok.status).toBe(201)
      expect(ok.body).toEqual({ data: { channel: 'items:articles', id: 1 } })
      const got = await editor.next('create')
      expect(got.data).toEqual({
        collection: 'articles',
        key: 7,
        data: { id: 7, owner: 'ed' },
        synthetic: true,
      })
      await send({ type: 'update', after: { ...row, status: 'live' } }, 'root')
      expect((await anon.next('update')).data).toMatchObject({ key: 7, synthetic: true })
      await send({ type: 'delete', key: 7, before: { ...row, status: 'live' } }, 'root')
      await anon.next('delete')
      await editor.next('delete')
      expect(anon.of('create')).toEqual([])
    },
  )

  it.skipIf(!dialect.available)(
    'shutting the server down ends open streams so clients reconnect elsewhere',
    async () => {
      const server = await start()
      const stream = new StreamClient(`${server.url}/api/realtime/anything/subscribe`)
      streams.push(stream)
      await stream.next('ready')
      await server.server.kernel.shutdown()
      await stream.until(() => stream.errors.length > 0, 'the connection to end')
      expect(stream.of('end')).toEqual([])
    },
  )
})
