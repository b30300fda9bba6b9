// One SSE response. Frames wait in a queue of our own that the response stream pulls from, so
// the queue can be measured and dropped: a client whose queue stays over the limit is cut
// (its backlog discarded, an `end` event with the reason sent), and writes never wait, so one
// slow reader never slows the others.
import { StreamEndCodes } from '../errors.js'
import { Backlog } from '../sink/backlog.js'
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
  /** Frames the response stream has not pulled yet (and live ones held during a replay). */
  private readonly backlog: Backlog<Frame>
  /** No more writes; the stream closes once the backlog is pulled. */
  private ending = false
  private closed = false
  private readonly ends: (() => void)[] = []
  private readonly options: SseConnectionOptions

  constructor(options: SseConnectionOptions, headers: Record<string, string> = {}) {
    this.options = options
    this.backlog = new Backlog<Frame>({
      maxBytes: options.maxBufferBytes,
      size: (frame) => frame.byteLength,
      onSlow: () => this.isOpen && this.cutSlowConsumer(),
    })
    const stream = new ReadableStream<Uint8Array>(
      {
        start: (controller) => {
          this.controller = controller
          controller.enqueue(retryFrame(options.retryMs))
        },
        pull: (controller) => {
          const frame = this.backlog.shift()
          if (frame) controller.enqueue(frame)
          if (this.ending && this.backlog.length === 0) this.closeStream()
        },
        cancel: () => this.finish(),
      },
      // One frame in the stream itself; the rest waits in the backlog, where it is counted.
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
    if (this.backlog.keep(frame)) return this.isOpen
    return this.push(frame)
  }

  /** Writes now, past any held frames: replayed events, `reset`, `ready`. */
  writeNow(frame: Frame): boolean {
    return this.isOpen && this.push(frame)
  }

  /** A comment for proxies; skipped when data is waiting anyway. */
  heartbeat(): void {
    if (this.isOpen && !this.backlog.holding && this.backlog.length === 0) this.push(HEARTBEAT)
  }

  /** Keeps live frames back until release(), e.g. while missed events are replayed. */
  hold(): void {
    this.backlog.hold()
  }

  release(): void {
    for (const frame of this.backlog.release()) if (!this.push(frame)) return
  }

  /**
   * Ends the stream once what is queued has been sent; with a reason, an `end` event tells the
   * client why (EventSource then reconnects unless the client closes it).
   */
  close(reason?: StreamEnd): void {
    if (!this.isOpen) return
    if (reason) this.push(sseFrame('end', reason))
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

  private cutSlowConsumer(): void {
    // Drop the backlog: the client resumes from its last event through the log instead.
    this.backlog.clear()
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
    this.backlog.stopCheck()
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
