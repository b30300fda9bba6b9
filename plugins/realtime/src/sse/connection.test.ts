// Realtime's streams on the kernel's EventStream (tested there: holding, bursts, backpressure):
// the `retry:` hint first, an `end` event naming why a stream ended, and a slow reader cut with
// REALTIME_SLOW_CONSUMER.

import { encodeEvent } from '@backlex/kernel'
import { describe, expect, it } from 'vitest'
import { SseConnection } from './connection.js'

const connection = (maxBufferBytes = 1000) =>
  new SseConnection({ maxBufferBytes, slowConsumerGraceMs: 10_000, retryMs: 1000 })

async function readText(c: SseConnection): Promise<string> {
  return new Response(c.response.body).text()
}

describe('SseConnection', () => {
  it('writes frames after the retry hint and ends on close', async () => {
    const c = connection()
    let ended = 0
    c.onEnd(() => ended++)
    c.write(encodeEvent('message', { a: 1 }, 1))
    c.close()
    expect(await readText(c)).toBe('retry: 1000\n\nid: 1\nevent: message\ndata: {"a":1}\n\n')
    expect(ended).toBe(1)
    expect(c.write(encodeEvent('x', 1))).toBe(false)
  })

  it('cuts a reader that stays over the limit, dropping its backlog', async () => {
    const c = connection(1000)
    const frame = encodeEvent('message', 'x'.repeat(400))
    for (let i = 0; i < 10; i++) c.write(frame)
    await new Promise((r) => setTimeout(r, 120))
    expect(c.isOpen).toBe(false)
    const text = await readText(c)
    expect(text).toMatch(/event: end\ndata: \{"code":"REALTIME_SLOW_CONSUMER"/)
    // At most the frame the stream held plus the end: the backlog was dropped.
    expect(text.match(/event: message/g)?.length ?? 0).toBeLessThanOrEqual(1)
  })
})
