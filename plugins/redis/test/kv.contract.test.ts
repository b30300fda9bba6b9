// The Kv contract, run against the kernel's memory Kv and against Redis on 127.0.0.1:6379:
// both must give the same answers for get/set/ttl/setIfAbsent/delete/increment.
import { createMemoryKv, type KvAdapter } from '@backlex/kernel'
import { afterAll, describe, expect, it } from 'vitest'
import { createRedisKv, type RedisKv } from '../src/index.js'

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379'
const prefix = `backlex-test:${process.pid}:${Date.now().toString(36)}:`
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

const redis: RedisKv = createRedisKv({ url: REDIS_URL, keyPrefix: prefix })
afterAll(() => redis.close())

const stores: [string, KvAdapter][] = [
  ['memory', createMemoryKv()],
  ['redis', redis],
]

describe.each(stores)('Kv contract on %s', (_name, kv) => {
  let n = 0
  const key = () => `k${n++}`

  it('get of a missing key is null', async () => {
    expect(await kv.get(key())).toBeNull()
  })

  it('set then get returns a copy of JSON values', async () => {
    const k = key()
    const value = { a: 1, list: ['x', true, null], nested: { b: 'ü' } }
    await kv.set(k, value)
    const read = await kv.get<typeof value>(k)
    expect(read).toEqual(value)
    expect(read).not.toBe(value)
    await kv.set(k, 'text')
    expect(await kv.get(k)).toBe('text')
    await kv.set(k, undefined)
    expect(await kv.get(k)).toBeNull()
  })

  it('a key with a ttl disappears after it', async () => {
    const k = key()
    await kv.set(k, 1, { ttlMs: 60 })
    expect(await kv.get(k)).toBe(1)
    await sleep(150)
    expect(await kv.get(k)).toBeNull()
  })

  it('setIfAbsent sets only once, and again after the ttl', async () => {
    const k = key()
    expect(await kv.setIfAbsent(k, 'first', { ttlMs: 60 })).toBe(true)
    expect(await kv.setIfAbsent(k, 'second')).toBe(false)
    expect(await kv.get(k)).toBe('first')
    await sleep(150)
    expect(await kv.setIfAbsent(k, 'third')).toBe(true)
    expect(await kv.get(k)).toBe('third')
  })

  it('delete removes a key; deleting a missing key is fine', async () => {
    const k = key()
    await kv.set(k, 'x')
    await kv.delete(k)
    expect(await kv.get(k)).toBeNull()
    await kv.delete(k)
  })

  it('increment creates at 0 with the ttl, adds, and reports the ttl left', async () => {
    const k = key()
    const first = await kv.increment(k, 1, { ttlMs: 10_000 })
    expect(first.value).toBe(1)
    expect(first.ttlMs).toBeGreaterThan(0)
    expect(first.ttlMs).toBeLessThanOrEqual(10_000)
    // The ttl is set on creation only: a later increment does not extend it.
    const second = await kv.increment(k, 5, { ttlMs: 999_999 })
    expect(second.value).toBe(6)
    expect(second.ttlMs).toBeLessThanOrEqual(10_000)
    expect(await kv.get(k)).toBe(6)
    expect((await kv.increment(k, -2)).value).toBe(4)
    expect((await kv.increment(k, 0.5)).value).toBe(4.5)
  })

  it('increment without a ttl never expires; default step is 1', async () => {
    const k = key()
    expect(await kv.increment(k)).toEqual({ value: 1, ttlMs: null })
    expect(await kv.increment(k)).toEqual({ value: 2, ttlMs: null })
  })

  it('increment continues a number written by set', async () => {
    const k = key()
    await kv.set(k, 41)
    expect((await kv.increment(k)).value).toBe(42)
  })

  it('an expired counter starts again at 0', async () => {
    const k = key()
    await kv.increment(k, 3, { ttlMs: 60 })
    await sleep(150)
    expect((await kv.increment(k, 1, { ttlMs: 60 })).value).toBe(1)
  })

  it('concurrent increments are atomic', async () => {
    const k = key()
    await Promise.all(Array.from({ length: 50 }, () => kv.increment(k, 1, { ttlMs: 10_000 })))
    expect(await kv.get(k)).toBe(50)
  })
})

describe('Redis Kv', () => {
  it('keys live under the prefix, so two prefixes do not collide', async () => {
    const other = createRedisKv({ url: REDIS_URL, keyPrefix: `${prefix}other:` })
    try {
      await redis.set('shared', 'mine')
      await other.set('shared', 'theirs')
      expect(await redis.get('shared')).toBe('mine')
      expect(await other.get('shared')).toBe('theirs')
    } finally {
      await other.delete('shared')
      await other.close()
    }
  })

  it('incrementing a non-number fails with REDIS_NOT_A_NUMBER', async () => {
    await redis.set('word', 'hello')
    await expect(redis.increment('word')).rejects.toMatchObject({ code: 'REDIS_NOT_A_NUMBER' })
  })

  it('an unreachable Redis fails with REDIS_UNAVAILABLE instead of hanging', async () => {
    const dead = createRedisKv({ url: 'redis://127.0.0.1:1', connectTimeoutMs: 300 })
    try {
      await expect(dead.get('x')).rejects.toMatchObject({ code: 'REDIS_UNAVAILABLE', status: 503 })
    } finally {
      await dead.close()
    }
  })
})
