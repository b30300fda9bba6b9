// One SSE response of realtime: the kernel's EventStream (bounded backlog, slow readers cut,
// writes never wait), with realtime's `retry:` hint first and an `end` event saying why a
// stream ended.
import { EventStream, encodeEvent, type Frame, retryFrame } from '@backlex/kernel'
import { StreamEndCodes } from '../errors.js'
import type { StreamSink } from '../subscriber.js'

export interface StreamEnd {
  code: string
  message: string
}

export interface SseConnectionOptions {
  maxBufferBytes: number
  slowConsumerGraceMs: number
  retryMs: number
}

// Encoded once and shared by every stream: a frame per connection would cost each one its bytes.
const SLOW_FRAME = encodeEvent('end', {
  code: StreamEndCodes.SLOW_CONSUMER,
  message: 'The connection fell too far behind; reconnect to resume from the last event.',
} satisfies StreamEnd)
const retryFrames = new Map<number, Frame>()
const retryFrameOf = (ms: number): Frame => {
  let frame = retryFrames.get(ms)
  if (!frame) {
    frame = retryFrame(ms)
    retryFrames.set(ms, frame)
  }
  return frame
}

/** A live stream; see EventStream for holding, backpressure and slow readers. */
export class SseConnection implements StreamSink {
  private readonly stream: EventStream

  constructor(options: SseConnectionOptions, headers: Record<string, string> = {}) {
    this.stream = new EventStream({
      maxBufferBytes: options.maxBufferBytes,
      slowConsumerGraceMs: options.slowConsumerGraceMs,
      firstFrame: retryFrameOf(options.retryMs),
      // The backlog is dropped: the client resumes from its last event through the log.
      slowFrame: SLOW_FRAME,
      headers,
    })
  }

  get response(): Response {
    return this.stream.response
  }

  get isOpen(): boolean {
    return this.stream.isOpen
  }

  onEnd(listener: () => void): void {
    this.stream.onEnd(listener)
  }

  write(frame: Frame): boolean {
    return this.stream.write(frame)
  }

  writeNow(frame: Frame): boolean {
    return this.stream.writeNow(frame)
  }

  heartbeat(): void {
    this.stream.heartbeat()
  }

  hold(): void {
    this.stream.hold()
  }

  release(): void {
    this.stream.release()
  }

  /**
   * Ends the stream once what is queued has been sent; with a reason, an `end` event tells the
   * client why (EventSource then reconnects unless the client closes it).
   */
  close(reason?: StreamEnd): void {
    this.stream.close(reason ? encodeEvent('end', reason) : undefined)
  }
}
