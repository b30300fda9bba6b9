// A stream read in process: the feed writes frames to it like to an SSE response, and the reader
// pulls the events back as values through the async iterator protocol. Like an SSE response it
// has a bounded queue: a reader that falls too far behind is cut (REALTIME_SLOW_CONSUMER) and
// never slows the feed or the other subscribers.
import {
  type BacklexError,
  Backlog,
  type Frame,
  type FrameEvent,
  frameEvent,
} from '@backlex/kernel'
import { RealtimeErrors, StreamEndCodes } from '../errors.js'
import type { StreamEnd } from '../sse/connection.js'
import type { StreamSink } from '../subscriber.js'

export interface IteratorSinkOptions<T> {
  /** Bytes of encoded events the queue may hold (for longer than a burst) before the cut. */
  maxBufferBytes: number
  /** The value of an event for the reader; undefined skips it (e.g. `ready`). */
  read(event: FrameEvent): T | undefined
  /** Ends the iteration when aborted, as return() does. */
  signal?: AbortSignal
}

interface Queued<T> {
  value: T
  bytes: number
}

const DONE: IteratorResult<never> = Object.freeze({ value: undefined, done: true })

/**
 * A StreamSink that is also an async iterator of the values `read` makes of its events.
 * `return()` (a `break` out of `for await`, or the signal) ends it and runs its onEnd listeners,
 * which leave the channel and release the caller; a server-side end makes the next `next()`
 * throw RealtimeErrors.STREAM_ENDED with the reason's code, after what was queued before it.
 * @example
 * const sink = new IteratorSink({ maxBufferBytes: 1 << 20, read: (e) => e.data })
 * sink.write(encodeEvent('message', { text: 'hi' }, 1))
 * await sink.next() // { value: { text: 'hi' }, done: false }
 */
export class IteratorSink<T> implements StreamSink, AsyncIterableIterator<T> {
  /** Events the reader has not taken yet (and live ones held during a replay). */
  private readonly backlog: Backlog<Queued<T>>
  /** No more writes; what is queued can still be read. */
  private ending = false
  /** Thrown once the queue is read, when the server ended the stream. */
  private failure: BacklexError | undefined
  private waiting:
    | { resolve: (result: IteratorResult<T>) => void; reject: (error: unknown) => void }
    | undefined
  private readonly ends: (() => void)[] = []
  private ended = false
  private readonly options: IteratorSinkOptions<T>
  private readonly onAbort = () => void this.return()

  constructor(options: IteratorSinkOptions<T>) {
    this.options = options
    this.backlog = new Backlog<Queued<T>>({
      maxBytes: options.maxBufferBytes,
      size: (item) => item.bytes,
      onSlow: () => this.isOpen && this.cutSlowConsumer(),
    })
    if (options.signal?.aborted) this.finish()
    else options.signal?.addEventListener('abort', this.onAbort, { once: true })
  }

  get isOpen(): boolean {
    return !this.ending
  }

  onEnd(listener: () => void): void {
    if (this.ended) listener()
    else this.ends.push(listener)
  }

  write(frame: Frame): boolean {
    if (!this.isOpen) return false
    const item = this.decode(frame)
    if (!item) return true
    if (this.backlog.keep(item)) return this.isOpen
    this.push(item)
    return true
  }

  writeNow(frame: Frame): boolean {
    if (!this.isOpen) return false
    const item = this.decode(frame)
    if (item) this.push(item)
    return true
  }

  /** Nothing to keep alive in process; the transport on top sends its own keep-alives. */
  heartbeat(): void {}

  hold(): void {
    this.backlog.hold()
  }

  release(): void {
    for (const item of this.backlog.release()) {
      if (!this.isOpen) return
      this.push(item)
    }
  }

  /**
   * Ends the stream from the server's side: the reader gets what is queued, then the reason
   * as a thrown error (REALTIME_SERVER_CLOSING without one: the server is shutting down).
   */
  close(reason?: StreamEnd): void {
    if (!this.isOpen) return
    const end = reason ?? {
      code: StreamEndCodes.SERVER_CLOSING,
      message: 'The server is shutting down; subscribe again.',
    }
    this.failure = RealtimeErrors.STREAM_ENDED(end.code, end.message)
    this.ending = true
    this.backlog.dropHeld()
    this.notifyEnd()
    this.settle()
  }

  next(): Promise<IteratorResult<T>> {
    const item = this.backlog.shift()
    if (item) {
      return Promise.resolve({ value: item.value, done: false })
    }
    if (this.ending) {
      const failure = this.failure
      this.failure = undefined
      return failure ? Promise.reject(failure) : Promise.resolve(DONE)
    }
    // One reader at a time, as `for await` reads; a second concurrent call replaces the first.
    return new Promise((resolve, reject) => {
      this.waiting = { resolve, reject }
    })
  }

  /** Ends the iteration from the reader's side: leaves the channel, releases the caller. */
  return(): Promise<IteratorResult<T>> {
    this.finish()
    return Promise.resolve(DONE)
  }

  throw(error?: unknown): Promise<IteratorResult<T>> {
    this.finish()
    return Promise.reject(error)
  }

  [Symbol.asyncIterator](): this {
    return this
  }

  private decode(frame: Frame): Queued<T> | undefined {
    const event = frameEvent(frame)
    const value = event ? this.options.read(event) : undefined
    return value === undefined ? undefined : { value, bytes: frame.byteLength }
  }

  private push(item: Queued<T>): void {
    const waiting = this.waiting
    if (waiting) {
      this.waiting = undefined
      waiting.resolve({ value: item.value, done: false })
      return
    }
    this.backlog.push(item)
  }

  private cutSlowConsumer(): void {
    // Drop the backlog: the reader learns at once that it missed events.
    this.backlog.clear()
    this.close({
      code: StreamEndCodes.SLOW_CONSUMER,
      message: 'The subscription fell too far behind and was ended; subscribe again and refetch.',
    })
  }

  /** Wakes a waiting reader once the stream has ended. */
  private settle(): void {
    const waiting = this.waiting
    if (!waiting || this.backlog.length > 0) return
    this.waiting = undefined
    const failure = this.failure
    this.failure = undefined
    if (failure) waiting.reject(failure)
    else waiting.resolve(DONE)
  }

  private notifyEnd(): void {
    this.backlog.stopCheck()
    this.options.signal?.removeEventListener('abort', this.onAbort)
    if (this.ended) return
    this.ended = true
    for (const listener of this.ends.splice(0)) listener()
  }

  private finish(): void {
    this.ending = true
    this.backlog.clear()
    this.failure = undefined
    this.notifyEnd()
    this.settle()
  }
}
