// Server-Sent Events framing (WHATWG HTML, "Server-sent events"): one `data:` line of JSON per
// event (JSON never holds a raw newline), an optional `id:` and `event:`, a blank line to end.

const encoder = new TextEncoder()

/** An encoded event, ready to be written to any number of streams. */
export type Frame = Uint8Array

/** The event a frame was encoded from, for sinks that hand events over in process. */
export interface FrameEvent {
  readonly event: string
  readonly data: unknown
  readonly id: number | undefined
}

// Kept beside the bytes (not in them), so an SSE stream holds nothing more per frame, and an
// in-process sink never parses what was just encoded. Entries go with their frames.
const sources = new WeakMap<Frame, FrameEvent>()

/**
 * The event `frame` was encoded from by sseFrame; undefined for heartbeats and `retry:`.
 * @example
 * frameEvent(sseFrame('create', { key: 1 }, 42)) // { event: 'create', data: { key: 1 }, id: 42 }
 */
export const frameEvent = (frame: Frame): FrameEvent | undefined => sources.get(frame)

/**
 * Encodes one event. `id` sets the client's Last-Event-ID; without it the id stays as it was.
 * @example
 * sseFrame('create', { key: 1 }, 42) // "id: 42\nevent: create\ndata: {\"key\":1}\n\n"
 */
export function sseFrame(event: string, data: unknown, id?: number): Frame {
  const head = id === undefined ? '' : `id: ${id}\n`
  const frame = encoder.encode(`${head}event: ${event}\ndata: ${JSON.stringify(data ?? null)}\n\n`)
  sources.set(frame, { event, data, id })
  return frame
}

/** A comment line: ignored by clients, keeps proxies from closing an idle connection. */
export const HEARTBEAT: Frame = encoder.encode(': heartbeat\n\n')

/** The reconnect delay EventSource should use. */
export const retryFrame = (ms: number): Frame => encoder.encode(`retry: ${ms}\n\n`)
