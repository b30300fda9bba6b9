// The one Server-Sent Events writer every plugin streams through (realtime feeds, graphql-sse
// subscriptions). Frames are encoded once and can be written to any number of streams; each
// stream keeps what its reader has not taken in a backlog counted in bytes, so a slow reader is
// measured and cut (its backlog dropped, an optional last frame saying why) and writes never
// wait: one slow reader never slows the others. Producers that pull from a source (an async
// iterator) wait on `ready()` instead, so they read no faster than the client does.
// Framing: WHATWG HTML, "Server-sent events": one `data:` line of JSON per event (JSON never
// holds a raw newline), optional `id:` and `event:`, a blank line to end.

const encoder = new TextEncoder()

/** An encoded event, ready to be written to any number of streams. */
export type Frame = Uint8Array

/** The event a frame was encoded from, for sinks that hand events over in process. */
export interface FrameEvent {
  readonly event: string
  readonly data: unknown
  readonly id: number | undefined
}

// Kept beside the bytes (not in them), so a stream holds nothing more per frame, and an
// in-process sink never parses what was just encoded. Entries go with their frames.
const sources = new WeakMap<Frame, FrameEvent>()

/**
 * Encodes one event. `id` sets the client's Last-Event-ID; without it the id stays as it was.
 * @example
 * encodeEvent('create', { key: 1 }, 42) // "id: 42\nevent: create\ndata: {\"key\":1}\n\n"
 */
export function encodeEvent(event: string, data: unknown, id?: number): Frame {
  const head = id === undefined ? '' : `id: ${id}\n`
  const frame = encoder.encode(`${head}event: ${event}\ndata: ${JSON.stringify(data ?? null)}\n\n`)
  sources.set(frame, { event, data, id })
  return frame
}

/**
 * The event `frame` was encoded from by encodeEvent; undefined for comments and `retry:`.
 * @example
 * frameEvent(encodeEvent('create', { key: 1 }, 42)) // { event: 'create', data: { key: 1 }, id: 42 }
 */
export const frameEvent = (frame: Frame): FrameEvent | undefined => sources.get(frame)

/** A comment line: ignored by clients, keeps proxies from closing an idle connection. */
export const HEARTBEAT_FRAME: Frame = encoder.encode(': heartbeat\n\n')

/** The reconnect delay EventSource should use. */
export const retryFrame = (ms: number): Frame => encoder.encode(`retry: ${ms}\n\n`)

export const EVENT_STREAM_HEADERS: Readonly<Record<string, string>> = {
  'content-type': 'text/event-stream; charset=utf-8',
  'cache-control': 'no-cache, no-transform',
  // nginx buffers responses unless told not to.
  'x-accel-buffering': 'no',
}

/** Does an Accept header ask for an event stream? */
export const acceptsEventStream = (accept: string | undefined | null): boolean =>
  /(^|,)\s*text\/event-stream\s*(;|,|$)/i.test(accept ?? '')

/** One timer for every open stream of a plugin (not one per stream). */
export interface Heartbeat {
  /** Calls `beat` at every interval until the returned function is called. */
  add(beat: () => void): () => void
}

/**
 * A shared interval; it does not keep a process alive on its own.
 * @example
 * const heartbeat = createHeartbeat(15_000)
 * const stop = heartbeat.add(() => stream.heartbeat())
 */
export function createHeartbeat(intervalMs: number): Heartbeat {
  const beats = new Set<() => void>()
  let timer: ReturnType<typeof setInterval> | undefined
  return {
    add(beat) {
      beats.add(beat)
      if (!timer) {
        timer = setInterval(() => {
          for (const b of beats) b()
        }, intervalMs)
        ;(timer as { unref?: () => void }).unref?.()
      }
      return () => {
        beats.delete(beat)
        if (beats.size === 0 && timer) {
          clearInterval(timer)
          timer = undefined
        }
      }
    },
  }
}

/** How long a backlog may stay over the limit before its reader counts as too slow. */
const OVERFLOW_CHECK_MS = 50

export interface BacklogOptions<T> {
  /** Bytes the backlog may hold (for longer than a burst). */
  maxBytes: number
  size(item: T): number
  /** The reader is too slow: the sink cuts it (and clears the backlog). */
  onSlow(): void
}

/**
 * A queue counted in bytes, plus a second list for items kept back while held (during a replay,
 * live items wait for the replayed ones), counted against the same limit. A backlog over the
 * limit for longer than a burst makes its reader too slow. Streams and in-process sinks keep
 * theirs here, so every sink applies the same rule.
 * @example
 * const backlog = new Backlog({ maxBytes: 1 << 20, size: (f) => f.byteLength, onSlow: cut })
 * backlog.push(frame)
 * backlog.shift() // when the reader pulls
 */
export class Backlog<T> {
  private items: T[] = []
  private bytes = 0
  private held: T[] | undefined
  private heldBytes = 0
  private check: ReturnType<typeof setTimeout> | undefined

  constructor(private readonly options: BacklogOptions<T>) {}

  get length(): number {
    return this.items.length
  }

  get holding(): boolean {
    return this.held !== undefined
  }

  /** Queues `item`; a backlog still over the limit a moment later calls `onSlow`. */
  push(item: T): void {
    this.items.push(item)
    this.bytes += this.options.size(item)
    if (this.bytes > this.options.maxBytes && this.check === undefined) {
      // A burst written in one turn may pass the limit before the reader had a turn: judge the
      // reader once it has had time to read, not mid-burst.
      this.check = setTimeout(() => {
        this.check = undefined
        if (this.bytes > this.options.maxBytes) this.options.onSlow()
      }, OVERFLOW_CHECK_MS)
    }
  }

  shift(): T | undefined {
    const item = this.items.shift()
    if (item !== undefined) this.bytes -= this.options.size(item)
    return item
  }

  /** Keeps items given to `keep` back until `release`. */
  hold(): void {
    this.held ??= []
  }

  /**
   * Keeps `item` back while held; false when not holding (queue it instead). Nobody reads held
   * items, so passing the limit calls `onSlow` at once.
   */
  keep(item: T): boolean {
    if (!this.held) return false
    this.held.push(item)
    this.heldBytes += this.options.size(item)
    if (this.heldBytes > this.options.maxBytes) this.options.onSlow()
    return true
  }

  /** Ends the hold: the kept items, in order, for the sink to queue. */
  release(): T[] {
    const held = this.held ?? []
    this.held = undefined
    this.heldBytes = 0
    return held
  }

  /** Drops every item, queued or held, and the pending check. */
  clear(): void {
    this.items = []
    this.bytes = 0
    this.release()
    this.stopCheck()
  }

  /** Drops the held items only (the stream is ending: they will never be sent). */
  dropHeld(): void {
    this.release()
  }

  stopCheck(): void {
    clearTimeout(this.check)
    this.check = undefined
  }
}

export interface EventStreamOptions {
  /** Bytes a reader may leave waiting (for longer than a burst) before it is cut. */
  maxBufferBytes: number
  /**
   * After a slow reader is cut, how long its last bytes (the `slowFrame`) may wait to be read
   * before the response is errored and the socket let go.
   */
  slowConsumerGraceMs: number
  /** The first frame: a `retry:` hint (realtime) or a comment so clients see the headers. */
  firstFrame?: Frame
  /** The frame sent to a reader cut for being slow, e.g. an `end` event with a code. */
  slowFrame?: Frame
  /**
   * Heartbeats in a row with frames waiting and nothing read after which the reader counts as
   * stalled and is cut like a slow one; without it only the byte limit cuts readers.
   */
  stalledBeats?: number
  headers?: Record<string, string>
}

/**
 * One SSE response. Frames wait in a backlog the response stream pulls from, so a slow reader
 * is measured and cut and writes never wait. While held (during a replay), live writes wait in
 * a second list, counted against the same limit, and follow the replayed ones.
 * @example
 * const stream = new EventStream({ maxBufferBytes: 1 << 20, slowConsumerGraceMs: 5_000 })
 * stream.write(encodeEvent('message', { hello: 'world' }, 1))
 * return stream.response
 */
export class EventStream {
  readonly response: Response
  private controller: ReadableStreamDefaultController<Uint8Array> | undefined
  private readonly backlog: Backlog<Frame>
  /** No more writes; the stream closes once the backlog is pulled. */
  private ending = false
  private closed = false
  private readonly ends: (() => void)[] = []
  /** Producers waiting in ready(); made on first use (most streams never have one). */
  private waiters: ((open: boolean) => void)[] | undefined
  private pulls = 0
  private stalled = 0

  constructor(private readonly options: EventStreamOptions) {
    this.backlog = new Backlog<Frame>({
      maxBytes: options.maxBufferBytes,
      size: (frame) => frame.byteLength,
      onSlow: () => this.isOpen && this.cutSlowReader(),
    })
    const stream = new ReadableStream<Uint8Array>(
      {
        start: (controller) => {
          this.controller = controller
          if (options.firstFrame) controller.enqueue(options.firstFrame)
        },
        pull: (controller) => {
          this.pulls++
          const frame = this.backlog.shift()
          if (frame) controller.enqueue(frame)
          if (this.ending && this.backlog.length === 0) this.closeStream()
          else if (this.backlog.length === 0) this.wake(true)
        },
        cancel: () => this.finish(),
      },
      // One frame in the stream itself; the rest waits in the backlog, where it is counted.
      new CountQueuingStrategy({ highWaterMark: 1 }),
    )
    this.response = new Response(stream, {
      status: 200,
      headers: { ...EVENT_STREAM_HEADERS, ...options.headers },
    })
  }

  get isOpen(): boolean {
    return !this.closed && !this.ending
  }

  /** Runs `listener` once when the stream ends for any reason (at once if it has). */
  onEnd(listener: () => void): void {
    if (this.closed) listener()
    else this.ends.push(listener)
  }

  /** Writes a live frame (or keeps it while held). False once the stream has ended. */
  write(frame: Frame): boolean {
    if (!this.isOpen) return false
    if (this.backlog.keep(frame)) return this.isOpen
    return this.push(frame)
  }

  /** Writes now, past any held frames: replayed events, resets, `ready`. */
  writeNow(frame: Frame): boolean {
    return this.isOpen && this.push(frame)
  }

  /**
   * Resolves true once nothing waits for the reader (a pulling producer may write the next
   * frame), or false when the stream ended.
   */
  ready(): Promise<boolean> {
    if (!this.isOpen) return Promise.resolve(false)
    if (this.backlog.length === 0 && !this.backlog.holding) return Promise.resolve(true)
    return new Promise((resolve) => {
      this.waiters ??= []
      this.waiters.push(resolve)
    })
  }

  /**
   * Call at every heartbeat interval: sends a comment to an idle stream (proxies close silent
   * connections), and cuts a reader that took nothing for `stalledBeats` intervals while frames
   * waited.
   */
  heartbeat(): void {
    if (!this.isOpen) return
    const progressed = this.pulls > 0
    this.pulls = 0
    const slotFree = (this.controller?.desiredSize ?? 0) > 0
    if (this.backlog.length === 0 && !this.backlog.holding && slotFree) {
      this.stalled = 0
      this.push(HEARTBEAT_FRAME)
      return
    }
    // Something waits for the reader (in the stream's slot or the backlog).
    const limit = this.options.stalledBeats
    if (limit === undefined) return
    this.stalled = progressed ? 0 : this.stalled + 1
    if (this.stalled >= limit) this.cutSlowReader()
  }

  /** Keeps live frames back until release(), e.g. while missed events are replayed. */
  hold(): void {
    this.backlog.hold()
  }

  release(): void {
    for (const frame of this.backlog.release()) if (!this.push(frame)) return
    if (this.backlog.length === 0) this.wake(true)
  }

  /**
   * Ends the stream once what is queued has been sent; `last` (e.g. an `end` event telling
   * the client why, or graphql-sse's `complete`) is sent last.
   */
  close(last?: Frame): void {
    if (!this.isOpen) return
    if (last) this.push(last)
    this.ending = true
    this.backlog.dropHeld()
    this.notifyEnd()
    if (this.backlog.length === 0) this.closeStream()
  }

  private push(frame: Frame): boolean {
    const controller = this.controller
    if (!controller) return false
    // The stream's own slot is free: hand the frame over at once.
    if (this.backlog.length === 0 && (controller.desiredSize ?? 0) > 0) {
      try {
        controller.enqueue(frame)
      } catch {
        this.finish()
        return false
      }
      return true
    }
    this.backlog.push(frame)
    return true
  }

  private cutSlowReader(): void {
    // Drop the backlog: a client that can resume (Last-Event-ID) does so through its source.
    this.backlog.clear()
    this.close(this.options.slowFrame)
    // A reader that never takes its last bytes would hold the socket open forever.
    const controller = this.controller
    const timer = setTimeout(() => {
      try {
        controller?.error(new Error('The client stopped reading the event stream.'))
      } catch {
        // Already drained and closed.
      }
      this.finish()
    }, this.options.slowConsumerGraceMs)
    ;(timer as { unref?: () => void }).unref?.()
  }

  private closeStream(): void {
    try {
      this.controller?.close()
    } catch {
      // Already cancelled by the client.
    }
    this.finish()
  }

  private wake(open: boolean): void {
    // Called on every pull: nothing to allocate when no producer waits (the usual case).
    const waiters = this.waiters
    if (waiters === undefined || waiters.length === 0) return
    this.waiters = undefined
    for (const resolve of waiters) resolve(open)
  }

  private notifyEnd(): void {
    this.backlog.stopCheck()
    this.wake(false)
    for (const listener of this.ends.splice(0)) listener()
  }

  private finish(): void {
    if (this.closed) return
    this.closed = true
    this.ending = true
    this.backlog.clear()
    this.notifyEnd()
  }
}
