// The subscriber of a stream as the feeds see it, and the sink its events are written to: an
// SSE response (SseConnection) or an in-process iterator (IteratorSink).
import type { Frame } from '@backlex/kernel'
import type { RowPredicate } from '@backlex/permissions/contract'
import type { Caller } from './credentials.js'
import type { StreamEnd } from './sse/connection.js'

/**
 * Where a subscriber's events go. Writes never wait: a sink that cannot keep up ends itself
 * (REALTIME_SLOW_CONSUMER) instead of slowing the feed. Frames are encoded once and shared;
 * an in-process sink reads the event back with `frameEvent` instead of parsing the bytes.
 */
export interface StreamSink {
  readonly isOpen: boolean
  /** Writes a live frame (kept back while held). False once the sink has ended. */
  write(frame: Frame): boolean
  /** Writes now, past any held frames: replayed events, `reset`, `ready`. */
  writeNow(frame: Frame): boolean
  /** Keeps live frames back until release(), e.g. while missed events are replayed. */
  hold(): void
  release(): void
  /** Keeps an idle stream alive through proxies (a no-op in process). */
  heartbeat(): void
  /** Ends the sink; with a reason, its reader learns why. */
  close(reason?: StreamEnd): void
  /** Runs `listener` once when the sink ends for any reason (at once if it has). */
  onEnd(listener: () => void): void
}

export interface StreamSubscriber {
  readonly connection: StreamSink
  readonly caller: Caller
}

/** A subscriber of `items:<collection>`: its own filter and fields on top of its rules. */
export interface ItemsSubscriber extends StreamSubscriber {
  /** The subscriber's own filter, compiled to a predicate only (no SQL is ever built from it). */
  readonly filter: RowPredicate | null
  /** Fields to send; null: every field the caller may read. */
  readonly fields: readonly string[] | null
  /** Identifies `fields`, so subscribers asking for the same fields share encoded frames. */
  readonly fieldsKey: string
}

/** Writes a frame to a subscriber: live (held during a replay), or at once when replaying. */
export type FrameWriter = (subscriber: StreamSubscriber, frame: Frame) => void

export const writeLive: FrameWriter = (s, frame) => {
  s.connection.write(frame)
}
export const writeNow: FrameWriter = (s, frame) => {
  s.connection.writeNow(frame)
}
