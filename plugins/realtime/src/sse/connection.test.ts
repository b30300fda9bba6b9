// The bounded queue of a stream: a reader that keeps up gets everything, one that stops is cut
// with its backlog dropped and an `end` event, and holding keeps live frames behind replayed ones.

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

  it('keeps live frames behind the replayed ones while held', async () => {
    const c = connection()
    c.hold()
    c.write(encodeEvent('live', 2, 2))
    c.writeNow(encodeEvent('replayed', 1, 1))
    c.release()
    c.close()
    const text = await readText(c)
    expect(text.indexOf('replayed')).toBeLessThan(text.indexOf('live'))
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

  it('lets a reader that keeps up through a burst stay', async () => {
    const c = connection(1000)
    const reader = c.response.body?.getReader()
    const frame = encodeEvent('message', 'x'.repeat(400))
    for (let i = 0; i < 10; i++) c.write(frame)
    let got = ''
    const decoder = new TextDecoder()
    while (reader && (got.match(/event: message/g)?.length ?? 0) < 10) {
      const chunk = await reader.read()
      if (chunk.done) break
      got += decoder.decode(chunk.value)
    }
    await new Promise((r) => setTimeout(r, 80))
    expect(c.isOpen).toBe(true)
    c.close()
  })

  it('holding too much cuts at once', () => {
    const c = connection(100)
    c.hold()
    c.write(encodeEvent('message', 'x'.repeat(200)))
    expect(c.isOpen).toBe(false)
  })
})
