// One SSE response. Frames wait in a queue of our own that the response stream pulls from, so
// the queue can be measured and dropped: a client whose queue stays over the limit is cut
// (its backlog discarded, an `end` event with the reason sent), and writes never wait, so one
// slow reader never slows the others.
import { StreamEndCodes } from '../errors.js'
import type { StreamSink } from '../subscriber.js'
import { type Frame, HEARTBEAT, retryFrame, sseFrame } from './frames.js'

export interface StreamEnd {
  code: string
  message: string
}

export interface SseConnectionOptions {
  maxBufferBytes: number
  slowConsumerGraceMs: number
  retryMs: number
}

/** How long a queue may stay over the limit before its client counts as too slow. */
const OVERFLOW_CHECK_MS = 50

export const SSE_HEADERS: Record<string, string> = {
  'content-type': 'text/event-stream; charset=utf-8',
  'cache-control': 'no-cache, no-transform',
  // nginx buffers responses unless told not to.
  'x-accel-buffering': 'no',
}

/**
 * A live stream. While held (during a replay), live writes wait in a second list, counted
 * against the same limit, and follow the replayed ones.
 */
export class SseConnection implements StreamSink {
  readonly response: Response
  private controller: ReadableStreamDefaultController<Uint8Array> | undefined
  /** Frames the response stream has not pulled yet. */
  private queue: Frame[] = []
  private queuedBytes = 0
  private held: Frame[] | undefined
  private heldBytes = 0
  /** No more writes; the stream closes once the queue is pulled. */
  private ending = false
  private closed = false
  private overflowCheck: ReturnType<typeof setTimeout> | undefined
  private readonly ends: (() => void)[] = []
  private readonly options: SseConnectionOptions

  constructor(options: SseConnectionOptions, headers: Record<string, string> = {}) {
    this.options = options
    const stream = new ReadableStream<Uint8Array>(
      {
        start: (controller) => {
          this.controller = controller
          controller.enqueue(retryFrame(options.retryMs))
        },
        pull: (controller) => {
          const frame = this.queue.shift()
          if (frame) {
            this.queuedBytes -= frame.byteLength
            controller.enqueue(frame)
          }
          if (this.ending && this.queue.length === 0) this.closeStream()
        },
        cancel: () => this.finish(),
      },
      // One frame in the stream itself; the rest waits in `queue`, where it can be counted.
      new CountQueuingStrategy({ highWaterMark: 1 }),
    )
    this.response = new Response(stream, { status: 200, headers: { ...SSE_HEADERS, ...headers } })
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
    if (this.held) {
      this.held.push(frame)
      this.heldBytes += frame.byteLength
      if (this.heldBytes > this.options.maxBufferBytes) this.cutSlowConsumer()
      return this.isOpen
    }
    return this.push(frame)
  }

  /** Writes now, past any held frames: replayed events, `reset`, `ready`. */
  writeNow(frame: Frame): boolean {
    return this.isOpen && this.push(frame)
  }

  /** A comment for proxies; skipped when data is waiting anyway. */
  heartbeat(): void {
    if (this.isOpen && !this.held && this.queue.length === 0) this.push(HEARTBEAT)
  }

  /** Keeps live frames back until release(), e.g. while missed events are replayed. */
  hold(): void {
    this.held ??= []
  }

  release(): void {
    const held = this.held ?? []
    this.held = undefined
    this.heldBytes = 0
    for (const frame of held) if (!this.push(frame)) return
  }

  /**
   * Ends the stream once what is queued has been sent; with a reason, an `end` event tells the
   * client why (EventSource then reconnects unless the client closes it).
   */
  close(reason?: StreamEnd): void {
    if (!this.isOpen) return
    if (reason) this.push(sseFrame('end', reason))
    this.ending = true
    this.held = undefined
    this.notifyEnd()
    if (this.queue.length === 0) this.closeStream()
  }

  private push(frame: Frame): boolean {
    const controller = this.controller
    if (!controller) return false
    // The stream's own slot is free: hand the frame over at once.
    if (this.queue.length === 0 && (controller.desiredSize ?? 0) > 0) {
      try {
        controller.enqueue(frame)
      } catch {
        this.finish()
        return false
      }
      return true
    }
    this.queue.push(frame)
    this.queuedBytes += frame.byteLength
    if (this.queuedBytes > this.options.maxBufferBytes && this.overflowCheck === undefined) {
      // A burst written in one turn may exceed the limit before the socket had a chance to
      // take it: judge the client once it has had time to read, not mid-burst.
      this.overflowCheck = setTimeout(() => {
        this.overflowCheck = undefined
        if (this.isOpen && this.queuedBytes > this.options.maxBufferBytes) this.cutSlowConsumer()
      }, OVERFLOW_CHECK_MS)
    }
    return true
  }

  private cutSlowConsumer(): void {
    // Drop the backlog: the client resumes from its last event through the log instead.
    this.queue = []
    this.queuedBytes = 0
    this.held = undefined
    this.close({
      code: StreamEndCodes.SLOW_CONSUMER,
      message: 'The connection fell too far behind; reconnect to resume from the last event.',
    })
    // A reader that never takes its last bytes would hold the socket open forever.
    const controller = this.controller
    const timer = setTimeout(() => {
      try {
        controller?.error(new Error('slow consumer'))
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

  private notifyEnd(): void {
    clearTimeout(this.overflowCheck)
    for (const listener of this.ends.splice(0)) listener()
  }

  private finish(): void {
    if (this.closed) return
    this.closed = true
    this.ending = true
    this.queue = []
    this.queuedBytes = 0
    this.held = undefined
    this.notifyEnd()
  }
}
