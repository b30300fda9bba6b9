// PubSub on Redis across two clients (two "instances"), and the plugins inside real kernels.
import { createBacklex, defineConfig, Kv, PubSub } from '@backlex/kernel'
import { silentLogger } from '@backlex/test-utils'
import { afterEach, describe, expect, it } from 'vitest'
import { createRedisPubSub, type RedisPubSub, redisKv, redisPubSub } from '../src/index.js'

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379'
const channelPrefix = `backlex-test:${process.pid}:${Date.now().toString(36)}:`
const open: RedisPubSub[] = []
const bus = () => {
  const created = createRedisPubSub({ url: REDIS_URL, channelPrefix })
  open.push(created)
  return created
}
afterEach(async () => {
  await Promise.all(open.splice(0).map((b) => b.close()))
})

/** Resolves with the first `count` messages a handler receives. */
function collect(count: number) {
  const received: unknown[] = []
  let done: (value: unknown[]) => void = () => {}
  const all = new Promise<unknown[]>((resolve) => {
    done = resolve
  })
  const handler = (message: unknown) => {
    received.push(message)
    if (received.length === count) done(received)
  }
  return { handler, all, received }
}

describe('Redis PubSub', () => {
  it('a message published on one instance reaches subscribers on both', async () => {
    const a = bus()
    const b = bus()
    const onA = collect(1)
    const onB = collect(1)
    await a.subscribe('orders', onA.handler)
    await b.subscribe('orders', onB.handler)
    await a.publish('orders', { id: 1, items: ['x'] })
    expect(await onA.all).toEqual([{ id: 1, items: ['x'] }])
    expect(await onB.all).toEqual([{ id: 1, items: ['x'] }])
  })

  it('keeps order per publisher and delivers to each handler once', async () => {
    const a = bus()
    const b = bus()
    const first = collect(20)
    const second = collect(20)
    await b.subscribe('seq', first.handler)
    await b.subscribe('seq', second.handler)
    for (let i = 0; i < 20; i++) await a.publish('seq', i)
    const expected = Array.from({ length: 20 }, (_, i) => i)
    expect(await first.all).toEqual(expected)
    expect(await second.all).toEqual(expected)
  })

  it('channels are separate, and an unsubscribed handler receives nothing more', async () => {
    const a = bus()
    const b = bus()
    const news = collect(2)
    const other = collect(1)
    const stop = await b.subscribe('news', news.handler)
    await b.subscribe('other', other.handler)
    await a.publish('news', 'one')
    await a.publish('other', 'x')
    await other.all
    await stop()
    await a.publish('news', 'two')
    await a.publish('other', 'y')
    await new Promise((r) => setTimeout(r, 100))
    expect(news.received).toEqual(['one'])
    expect(other.received).toEqual(['x', 'y'])
  })

  it('unsubscribing one handler keeps the others of the channel', async () => {
    const a = bus()
    const keep = collect(2)
    const drop = collect(1)
    await a.subscribe('shared', keep.handler)
    const stop = await a.subscribe('shared', drop.handler)
    await a.publish('shared', 1)
    await drop.all
    await stop()
    // Resubscribing right after the last handler left must not double deliveries.
    const again = collect(1)
    await a.publish('shared', 2)
    expect(await keep.all).toEqual([1, 2])
    const stopKeep = await a.subscribe('again', again.handler)
    await stopKeep()
    const back = collect(1)
    await a.subscribe('again', back.handler)
    await a.publish('again', 'once')
    expect(await back.all).toEqual(['once'])
    await new Promise((r) => setTimeout(r, 50))
    expect(back.received).toEqual(['once'])
    expect(again.received).toEqual([])
  })

  it('a handler that throws does not stop the others', async () => {
    const a = bus()
    const ok = collect(1)
    await a.subscribe('boom', () => {
      throw new Error('handler failure')
    })
    await a.subscribe('boom', ok.handler)
    await a.publish('boom', 'still delivered')
    expect(await ok.all).toEqual(['still delivered'])
  })
})

describe('redisKv() and redisPubSub() plugins', () => {
  it('provide Kv and PubSub to a kernel, across two kernels', async () => {
    const config = () =>
      defineConfig({
        plugins: [
          redisKv({ url: REDIS_URL, keyPrefix: `${channelPrefix}kv:` }),
          redisPubSub({ url: REDIS_URL, channelPrefix }),
        ],
        logger: silentLogger(),
      })
    const one = createBacklex(config())
    const two = createBacklex(config())
    await one.boot()
    await two.boot()
    try {
      await one.get(Kv).set('greeting', 'hi')
      expect(await two.get(Kv).get('greeting')).toBe('hi')
      const got = collect(1)
      await two.get(PubSub).subscribe('hello', got.handler)
      await one.get(PubSub).publish('hello', { from: 'one' })
      expect(await got.all).toEqual([{ from: 'one' }])
      await one.get(Kv).delete('greeting')
    } finally {
      await one.shutdown()
      await two.shutdown()
    }
  })

  it('a boot against an unreachable Redis fails with REDIS_UNAVAILABLE', async () => {
    const app = createBacklex(
      defineConfig({
        plugins: [redisKv({ url: 'redis://127.0.0.1:1', connectTimeoutMs: 300 })],
        logger: silentLogger(),
      }),
    )
    await expect(app.boot()).rejects.toMatchObject({ code: 'REDIS_UNAVAILABLE' })
  })

  it('bad options fail the boot with the plugin name', async () => {
    const app = createBacklex(
      defineConfig({
        plugins: [redisPubSub({ url: 'http://not-redis' })],
        logger: silentLogger(),
      }),
    )
    await expect(app.boot()).rejects.toMatchObject({
      code: 'INVALID_PLUGIN_OPTIONS',
      details: { plugin: '@backlex/redis-pubsub' },
    })
  })
})
