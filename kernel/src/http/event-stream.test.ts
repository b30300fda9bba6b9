// The one SSE writer: a reader that keeps up gets everything, one that stops is cut with its
// backlog dropped and a last frame saying why, holding keeps live frames behind replayed ones,
// and a pulling producer waits on ready() for its reader.
import { describe, expect, it } from 'vitest'
import {
  acceptsEventStream,
  createHeartbeat,
  EventStream,
  type EventStreamOptions,
  encodeEvent,
  frameEvent,
  retryFrame,
} from './event-stream.js'

const encoder = new TextEncoder()
const END = encoder.encode('event: end\ndata: {"code":"SLOW"}\n\n')

const stream = (maxBufferBytes = 1000, extra: Partial<EventStreamOptions> = {}) =>
  new EventStream({
    maxBufferBytes,
    slowConsumerGraceMs: 10_000,
    firstFrame: retryFrame(1000),
    slowFrame: END,
    ...extra,
  })

const readText = (s: EventStream) => new Response(s.response.body).text()
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

describe('encodeEvent', () => {
  it('frames an event and remembers what it was encoded from', () => {
    const frame = encodeEvent('create', { key: 1 }, 42)
    expect(new TextDecoder().decode(frame)).toBe('id: 42\nevent: create\ndata: {"key":1}\n\n')
    expect(frameEvent(frame)).toEqual({ event: 'create', data: { key: 1 }, id: 42 })
    expect(frameEvent(retryFrame(5))).toBeUndefined()
  })

  it('recognises an Accept header asking for an event stream', () => {
    expect(acceptsEventStream('text/event-stream')).toBe(true)
    expect(acceptsEventStream('application/json, text/event-stream;q=0.9')).toBe(true)
    expect(acceptsEventStream('application/json')).toBe(false)
    expect(acceptsEventStream(undefined)).toBe(false)
  })
})

describe('EventStream', () => {
  it('writes frames after the first frame, with the event-stream headers, and ends on close', async () => {
    const s = stream()
    let ended = 0
    s.onEnd(() => ended++)
    s.write(encodeEvent('message', { a: 1 }, 1))
    s.close()
    expect(s.response.headers.get('content-type')).toBe('text/event-stream; charset=utf-8')
    expect(await readText(s)).toBe('retry: 1000\n\nid: 1\nevent: message\ndata: {"a":1}\n\n')
    expect(ended).toBe(1)
    expect(s.write(encodeEvent('x', 1))).toBe(false)
  })

  it('keeps live frames behind the replayed ones while held', async () => {
    const s = stream()
    s.hold()
    s.write(encodeEvent('live', 2, 2))
    s.writeNow(encodeEvent('replayed', 1, 1))
    s.release()
    s.close()
    const text = await readText(s)
    expect(text.indexOf('replayed')).toBeLessThan(text.indexOf('live'))
  })

  it('cuts a reader that stays over the limit, dropping its backlog and sending the slow frame', async () => {
    const s = stream(1000)
    const frame = encodeEvent('message', 'x'.repeat(400))
    for (let i = 0; i < 10; i++) s.write(frame)
    await sleep(120)
    expect(s.isOpen).toBe(false)
    const text = await readText(s)
    expect(text).toContain('event: end\ndata: {"code":"SLOW"}')
    expect(text.match(/event: message/g)?.length ?? 0).toBeLessThanOrEqual(1)
  })

  it('lets a reader that keeps up through a burst stay', async () => {
    const s = stream(1000)
    const reader = s.response.body?.getReader()
    const frame = encodeEvent('message', 'x'.repeat(400))
    for (let i = 0; i < 10; i++) s.write(frame)
    let got = ''
    const decoder = new TextDecoder()
    while (reader && (got.match(/event: message/g)?.length ?? 0) < 10) {
      const chunk = await reader.read()
      if (chunk.done) break
      got += decoder.decode(chunk.value)
    }
    await sleep(80)
    expect(s.isOpen).toBe(true)
    s.close()
  })

  it('cuts at once when held frames pass the limit', () => {
    const s = stream(100)
    s.hold()
    s.write(encodeEvent('message', 'x'.repeat(200)))
    expect(s.isOpen).toBe(false)
  })

  it('makes a pulling producer wait for its reader, and tells it when the stream ended', async () => {
    const s = stream(1 << 20)
    const reader = s.response.body?.getReader()
    const written: number[] = []
    const producer = (async () => {
      for (let i = 0; i < 5; i++) {
        if (!(await s.ready())) return 'ended'
        s.write(encodeEvent('next', i))
        written.push(i)
      }
      return 'done'
    })()
    await sleep(20)
    // The reader took nothing: the producer is at most a frame or two ahead.
    expect(written.length).toBeLessThanOrEqual(2)
    await reader?.read()
    await reader?.read()
    await sleep(10)
    expect(written.length).toBeGreaterThan(1)
    await reader?.cancel()
    expect(await producer).toBe('ended')
  })

  it('sends a comment to an idle stream at each heartbeat and, with stalledBeats, cuts a reader that stopped', async () => {
    const idle = stream()
    const reader = idle.response.body?.getReader()
    await reader?.read() // the first frame
    idle.heartbeat()
    expect(new TextDecoder().decode((await reader?.read())?.value)).toBe(': heartbeat\n\n')
    idle.close()

    const stuck = stream(1 << 20, { stalledBeats: 2 })
    stuck.write(encodeEvent('next', 1))
    stuck.write(encodeEvent('next', 2))
    stuck.heartbeat()
    expect(stuck.isOpen).toBe(true)
    stuck.heartbeat()
    expect(stuck.isOpen).toBe(false)

    const plain = stream(1 << 20)
    plain.write(encodeEvent('next', 1))
    plain.write(encodeEvent('next', 2))
    for (let i = 0; i < 5; i++) plain.heartbeat()
    expect(plain.isOpen).toBe(true)
    plain.close()
  })
})

describe('createHeartbeat', () => {
  it('shares one interval between streams and stops it when the last leaves', async () => {
    const heartbeat = createHeartbeat(5)
    let beats = 0
    const stopA = heartbeat.add(() => beats++)
    const stopB = heartbeat.add(() => beats++)
    await sleep(30)
    stopA()
    stopB()
    const seen = beats
    expect(seen).toBeGreaterThan(2)
    await sleep(20)
    expect(beats).toBe(seen)
  })
})
