import { describe, expect, it } from 'vitest'
import { createMemoryKv } from './memory-kv.js'
import { createMemoryPubSub } from './memory-pubsub.js'

describe('memory kv', () => {
  it('expires keys, counts atomically and sets only when absent', async () => {
    let now = 1_000
    const kv = createMemoryKv({ now: () => new Date(now) })
    await kv.set('a', { n: 1 }, { ttlMs: 100 })
    expect(await kv.get('a')).toEqual({ n: 1 })
    now += 100
    expect(await kv.get('a')).toBeNull()

    expect(await kv.increment('hits', 1, { ttlMs: 1000 })).toEqual({ value: 1, ttlMs: 1000 })
    now += 400
    expect(await kv.increment('hits', 2, { ttlMs: 1000 })).toEqual({ value: 3, ttlMs: 600 })

    expect(await kv.setIfAbsent('lock', 'me', { ttlMs: 50 })).toBe(true)
    expect(await kv.setIfAbsent('lock', 'you')).toBe(false)
    now += 50
    expect(await kv.setIfAbsent('lock', 'you')).toBe(true)
    await kv.delete('lock')
    expect(await kv.get('lock')).toBeNull()
  })

  it('stores copies, not references', async () => {
    const kv = createMemoryKv()
    const value = { list: [1] }
    await kv.set('v', value)
    value.list.push(2)
    expect(await kv.get('v')).toEqual({ list: [1] })
  })
})

describe('memory pubsub', () => {
  it('delivers to every subscriber of a channel until it unsubscribes', async () => {
    const bus = createMemoryPubSub()
    const a: unknown[] = []
    const b: unknown[] = []
    const stopA = await bus.subscribe('c', (m) => a.push(m))
    await bus.subscribe('c', (m) => b.push(m))
    await bus.subscribe('other', () => a.push('wrong'))
    await bus.publish('c', { n: 1 })
    await new Promise((r) => setTimeout(r, 0))
    await stopA()
    await bus.publish('c', { n: 2 })
    await new Promise((r) => setTimeout(r, 0))
    expect(a).toEqual([{ n: 1 }])
    expect(b).toEqual([{ n: 1 }, { n: 2 }])
  })
})
