// Server-Sent Events framing (WHATWG HTML, "Server-sent events"): one `data:` line of JSON per
// event (JSON never holds a raw newline), an optional `id:` and `event:`, a blank line to end.

const encoder = new TextEncoder()

/** An encoded event, ready to be written to any number of streams. */
export type Frame = Uint8Array

/**
 * Encodes one event. `id` sets the client's Last-Event-ID; without it the id stays as it was.
 * @example
 * sseFrame('create', { key: 1 }, 42) // "id: 42\nevent: create\ndata: {\"key\":1}\n\n"
 */
export function sseFrame(event: string, data: unknown, id?: number): Frame {
  const head = id === undefined ? '' : `id: ${id}\n`
  return encoder.encode(`${head}event: ${event}\ndata: ${JSON.stringify(data ?? null)}\n\n`)
}

/** A comment line: ignored by clients, keeps proxies from closing an idle connection. */
export const HEARTBEAT: Frame = encoder.encode(': heartbeat\n\n')

/** The reconnect delay EventSource should use. */
export const retryFrame = (ms: number): Frame => encoder.encode(`retry: ${ms}\n\n`)
