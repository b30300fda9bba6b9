// The subscriber of a stream as the feeds see it.
import type { RowPredicate } from '@backlex/permissions'
import type { Caller } from './credentials.js'
import type { SseConnection } from './sse/connection.js'

export interface StreamSubscriber {
  readonly connection: SseConnection
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
export type FrameWriter = (subscriber: StreamSubscriber, frame: Uint8Array) => void

export const writeLive: FrameWriter = (s, frame) => {
  s.connection.write(frame)
}
export const writeNow: FrameWriter = (s, frame) => {
  s.connection.writeNow(frame)
}
