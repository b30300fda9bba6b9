// The in-process sink: events in order as values, held writes after released ones, a server-side
// end after what was queued, the reader's end running the end listeners, and the cut of a reader
// that falls behind.
import { encodeEvent } from '@backlex/kernel'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { IteratorSink } from './iterator-sink.js'

const sink = (maxBufferBytes = 10_000, signal?: AbortSignal) =>
  new IteratorSink<string>({
    maxBufferBytes,
    read: (e) => (e.event === 'message' ? String((e.data as { text: string }).text) : undefined),
    ...(signal ? { signal } : {}),
  })
const message = (text: string, id?: number) => encodeEvent('message', { text }, id)
const codeOf = async (promise: Promise<unknown>) =>
  promise.then(
    () => 'resolved',
    (error: { code?: string }) => error.code,
  )

afterEach(() => {
  vi.useRealTimers()
})

describe('IteratorSink', () => {
  it('hands events over in order, waiting readers first, skipping what read() leaves out', async () => {
    const s = sink()
    const first = s.next()
    s.write(message('a', 1))
    s.write(encodeEvent('ready', { channel: 'x' }, 1))
    s.write(message('b', 2))
    expect(await first).toEqual({ value: 'a', done: false })
    expect(await s.next()).toEqual({ value: 'b', done: false })
  })

  it('keeps live writes back while held and sends them after the replayed ones', async () => {
    const s = sink()
    s.hold()
    s.write(message('live'))
    s.writeNow(message('replayed'))
    s.release()
    const got: string[] = []
    for (let i = 0; i < 2; i++) got.push((await s.next()).value as string)
    expect(got).toEqual(['replayed', 'live'])
  })

  it('ends from the server after what was queued, with the reason as the error code', async () => {
    const s = sink()
    const ended = vi.fn()
    s.onEnd(ended)
    s.write(message('a'))
    s.close({ code: 'REALTIME_ACCESS_LOST', message: 'gone' })
    expect(ended).toHaveBeenCalledOnce()
    expect(s.write(message('late'))).toBe(false)
    expect(await s.next()).toEqual({ value: 'a', done: false })
    expect(await codeOf(s.next())).toBe('REALTIME_ACCESS_LOST')
    expect(await s.next()).toEqual({ value: undefined, done: true })
    // Without a reason: the server is going away.
    const other = sink()
    const waiting = other.next()
    other.close()
    expect(await codeOf(waiting)).toBe('REALTIME_SERVER_CLOSING')
  })

  it('ends from the reader: return(), break and abort run the end listeners once', async () => {
    const s = sink()
    const ended = vi.fn()
    s.onEnd(ended)
    const waiting = s.next()
    await s.return()
    expect(await waiting).toEqual({ value: undefined, done: true })
    expect(ended).toHaveBeenCalledOnce()
    expect(s.isOpen).toBe(false)

    const looped = sink()
    looped.write(message('a'))
    for await (const value of looped) {
      expect(value).toBe('a')
      break
    }
    expect(looped.isOpen).toBe(false)

    const controller = new AbortController()
    const aborted = sink(10_000, controller.signal)
    const later = vi.fn()
    aborted.onEnd(later)
    controller.abort()
    expect(later).toHaveBeenCalledOnce()
    expect(await aborted.next()).toEqual({ value: undefined, done: true })
    // Already aborted: ended from the start.
    expect(sink(10_000, controller.signal).isOpen).toBe(false)
  })

  it('cuts a reader that stays too far behind, dropping its backlog', async () => {
    vi.useFakeTimers()
    const s = sink(200)
    for (let i = 0; i < 20; i++) s.write(message(`event ${i}`, i + 1))
    // A burst may pass the limit for a moment.
    expect(s.isOpen).toBe(true)
    vi.advanceTimersByTime(60)
    expect(s.isOpen).toBe(false)
    expect(await codeOf(s.next())).toBe('REALTIME_SLOW_CONSUMER')

    // Held writes (during a replay) count at once.
    const held = sink(200)
    held.hold()
    for (let i = 0; i < 20; i++) held.write(message(`event ${i}`, i + 1))
    expect(held.isOpen).toBe(false)
  })
})
