// A subscriber that stops reading its event stream: once it has taken nothing for whole
// keep-alive intervals while results waited, the server lets the stream and its socket go
// instead of holding them open for as long as the client keeps the connection.
import { request as httpRequest, type IncomingMessage } from 'node:http'
import { Realtime, realtime } from '@backlex/realtime'
import { dialects } from '@backlex/test-utils'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createBlog } from './helpers/blog.js'
import { ADMIN, PRINCIPAL_HEADER, startServer, type TestServer } from './helpers/server.js'

/** Opens a subscription with node:http and never reads its response. */
function openUnread(url: string, query: string): Promise<IncomingMessage> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      url,
      {
        method: 'POST',
        headers: {
          accept: 'text/event-stream',
          'content-type': 'application/json',
          [PRINCIPAL_HEADER]: JSON.stringify(ADMIN),
        },
      },
      (res) => {
        res.pause()
        resolve(res)
      },
    )
    req.on('error', reject)
    req.end(JSON.stringify({ query }))
  })
}

const openSockets = (t: TestServer) =>
  new Promise<number>((resolve, reject) =>
    t.server.server.getConnections((error, count) => (error ? reject(error) : resolve(count))),
  )

async function until(check: () => Promise<boolean>, what: string, ms = 10_000) {
  const deadline = Date.now() + ms
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await new Promise((r) => setTimeout(r, 50))
  }
}

describe.each(dialects.filter((d) => d.available))(
  'a subscriber that stops reading, on $dialect',
  (dialect) => {
    let t: TestServer

    beforeAll(async () => {
      t = await startServer(dialect, {
        graphql: { keepAliveMs: 100 },
        extra: [realtime({ heartbeatMs: 60_000, retryMs: 50, gapWaitMs: 20 })],
      })
      await createBlog(t)
    })
    afterAll(async () => {
      await t?.close()
    })

    it('is let go, subscription and socket, while a reading subscriber is kept', async () => {
      const query = 'subscription { articlesChanges { type key data { id body } } }'
      await openUnread(`${t.url}/stream`, query)
      const reading = await fetch(`${t.url}/stream`, {
        method: 'POST',
        headers: {
          accept: 'text/event-stream',
          'content-type': 'application/json',
          [PRINCIPAL_HEADER]: JSON.stringify(ADMIN),
        },
        body: JSON.stringify({ query }),
      })
      const reader = reading.body?.getReader()
      let received = ''
      const drain = (async () => {
        const decoder = new TextDecoder()
        for (;;) {
          const chunk = await reader?.read()
          if (!chunk || chunk.done) return
          received += decoder.decode(chunk.value)
        }
      })()
      await until(async () => t.server.kernel.get(Realtime).stats().connections === 2, 'joined')
      const before = await openSockets(t)

      // About 12 MB of changes: far more than the socket buffers of the client that reads none.
      const body = 'x'.repeat(40_000)
      for (let batch = 0; batch < 15; batch++) {
        const res = await t.gql(
          'mutation($d: [articlesCreateInput!]!) { articlesCreateMany(data: $d) { id } }',
          { d: Array.from({ length: 20 }, (_, i) => ({ title: `t${batch}-${i}`, body })) },
          ADMIN,
        )
        expect(res.errors).toBeUndefined()
      }

      await until(async () => (await openSockets(t)) < before, 'the stuck socket to close')
      // The reading subscriber got every change and is still subscribed.
      await until(
        async () => (received.match(/event: next/g) ?? []).length >= 300,
        'all 300 changes',
      )
      expect(t.server.kernel.get(Realtime).stats().connections).toBe(1)
      await reader?.cancel()
      await drain
    })
  },
)
