// GraphQL over Server-Sent Events, "distinct connections mode" of the graphql-sse protocol: one
// response per operation, each result an `event: next` with the result as `data`, then
// `event: complete`. Written through the kernel's EventStream: the source (a subscription) is
// read one result at a time and only once the client has taken the previous one, so a client
// that reads slowly stops the reading of its own source (whose bounded queue then ends it) and
// nothing else; one that takes nothing for two keep-alive intervals while results wait is let go.
import { acceptsEventStream, EventStream, type Heartbeat, isBacklexError } from '@backlex/kernel'
import type { FormattedExecutionResult } from 'graphql'

export { acceptsEventStream }

/** Results to stream: one, or an iterator of them (a subscription). */
export type StreamSource = FormattedExecutionResult | AsyncIterator<FormattedExecutionResult>

export interface EventStreamOptions {
  /** Keeps idle streams alive through proxies, and finds stalled readers. */
  keepAlive: Heartbeat
  /** Formats an error that ended a subscription's source as a result. */
  failed(error: unknown): FormattedExecutionResult
  /** Source errors with these codes end the response without `complete`, so clients reconnect. */
  reconnectCodes: ReadonlySet<string>
}

const encoder = new TextEncoder()
const COMMENT = encoder.encode(':\n\n')
const COMPLETE = encoder.encode('event: complete\ndata:\n\n')
const next = (result: FormattedExecutionResult) =>
  encoder.encode(`event: next\ndata: ${JSON.stringify(result)}\n\n`)

/** Keep-alive intervals without a read, while a result waits, after which a client is gone. */
const STALLED_BEATS = 2

const isIterator = (source: StreamSource): source is AsyncIterator<FormattedExecutionResult> =>
  typeof (source as { next?: unknown }).next === 'function'

/**
 * The event stream response of `source`.
 * @example
 * return eventStreamResponse({ errors: [{ message: 'No.' }] }, options) // next, then complete
 */
export function eventStreamResponse(source: StreamSource, options: EventStreamOptions): Response {
  const stream = new EventStream({
    // The producer waits for its reader, so at most a result or two ever wait here.
    maxBufferBytes: Number.MAX_SAFE_INTEGER,
    stalledBeats: STALLED_BEATS,
    slowConsumerGraceMs: 0,
    // Some clients only see the headers once a first byte arrives.
    firstFrame: COMMENT,
  })
  if (!isIterator(source)) {
    stream.write(next(source))
    stream.close(COMPLETE)
    return stream.response
  }
  const stopBeating = options.keepAlive.add(() => stream.heartbeat())
  stream.onEnd(() => {
    stopBeating()
    void source.return?.()
  })
  void pump(source, stream, options)
  return stream.response
}

async function pump(
  source: AsyncIterator<FormattedExecutionResult>,
  stream: EventStream,
  options: EventStreamOptions,
): Promise<void> {
  while (await stream.ready()) {
    let step: IteratorResult<FormattedExecutionResult>
    try {
      step = await source.next()
    } catch (error) {
      if (!stream.isOpen) return
      if (isBacklexError(error) && options.reconnectCodes.has(error.code)) stream.close()
      else {
        stream.write(next(options.failed(error)))
        stream.close(COMPLETE)
      }
      return
    }
    if (!stream.isOpen) return
    if (step.done) {
      stream.close(COMPLETE)
      return
    }
    stream.write(next(step.value))
  }
}
