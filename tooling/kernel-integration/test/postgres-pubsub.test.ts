// PubSub across instances: two kernels on the machine's PostgreSQL, LISTEN/NOTIFY between them.
import { createBacklex, defineConfig, definePlugin, PubSub } from '@backlex/kernel'
import { postgresPubSub } from '@backlex/postgres'
import { postgresUrl, silentLogger, uniqueChannel } from '@backlex/test-utils'
import pg from 'pg'
import { describe, expect, it, onTestFinished } from 'vitest'

const listener = definePlugin({ name: '@test/listener', version: '1.0.0', requires: [PubSub] })

function instance(channel: string) {
  const app = createBacklex(
    defineConfig({
      logger: silentLogger(),
      plugins: [postgresPubSub({ connectionString: postgresUrl, channel }), listener()],
    }),
  )
  onTestFinished(() => app.shutdown())
  return app
}

/** Subscribes (resolving once LISTEN is live) and returns the promise of the next message. */
async function nextMessage(app: ReturnType<typeof instance>, topic: string) {
  let resolve: (message: unknown) => void = () => {}
  const message = new Promise<unknown>((r) => {
    resolve = r
  })
  await app.get(PubSub).subscribe(topic, resolve)
  return { message }
}

async function waitFor(check: () => Promise<boolean>, what: string) {
  for (let i = 0; i < 600; i++) {
    if (await check()) return
    await new Promise((r) => setTimeout(r, 25))
  }
  throw new Error(`timed out waiting for ${what}`)
}

describe.skipIf(!postgresUrl)('postgres pubsub across two kernel instances', () => {
  it('delivers a message published on one instance to a subscriber on the other', async () => {
    const channel = uniqueChannel()
    const a = instance(channel)
    const b = instance(channel)
    await Promise.all([a.boot(), b.boot()])
    const received: unknown[] = []
    await b.get(PubSub).subscribe('items:articles', (m) => received.push(m))
    await a.get(PubSub).publish('items:articles', { id: 1, title: 'hello' })
    await a.get(PubSub).publish('other-topic', { ignored: true })
    await waitFor(async () => received.length === 1, 'the message on instance b')
    expect(received).toEqual([{ id: 1, title: 'hello' }])
  })

  it('reconnects after the listening connection is killed and keeps delivering', {
    timeout: 20_000,
  }, async () => {
    const channel = uniqueChannel()
    const a = instance(channel)
    const b = instance(channel)
    await Promise.all([a.boot(), b.boot()])
    const first = await nextMessage(b, 't')
    await a.get(PubSub).publish('t', 1)
    expect(await first.message).toBe(1)

    const admin = new pg.Client({ connectionString: postgresUrl })
    await admin.connect()
    onTestFinished(() => admin.end())
    const killed = await admin.query(
      `select pg_terminate_backend(pid) from pg_stat_activity
       where query = $1 and pid <> pg_backend_pid()`,
      [`LISTEN ${channel}`],
    )
    // Only b listens (a publishes through its pool).
    expect(killed.rowCount).toBe(1)

    const received: unknown[] = []
    await b.get(PubSub).subscribe('t', (m) => received.push(m))
    await waitFor(async () => {
      await a.get(PubSub).publish('t', 'after')
      return received.length > 0
    }, 'delivery after reconnect')
    expect(received[0]).toBe('after')

    // Exactly one listening connection came back: a message arrives once, not twice.
    const once: unknown[] = []
    await b.get(PubSub).subscribe('once', (m) => once.push(m))
    await a.get(PubSub).publish('once', 'x')
    await a.get(PubSub).publish('t', 'marker')
    await waitFor(async () => received.includes('marker'), 'the marker')
    expect(once).toEqual(['x'])
  })

  it('refuses messages over the NOTIFY limit with a clear code', async () => {
    const a = instance(uniqueChannel())
    await a.boot()
    await expect(a.get(PubSub).publish('t', 'x'.repeat(9000))).rejects.toMatchObject({
      code: 'PUBSUB_PAYLOAD_TOO_LARGE',
    })
  })
})
