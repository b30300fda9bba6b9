// GraphQL over Server-Sent Events, "distinct connections mode" of the graphql-sse protocol: one
// response per operation, each result an `event: next` with the result as `data`, then
// `event: complete`. The response pulls results one at a time, so a client that reads slowly
// stops the reading of its own source (whose bounded queue then ends it) and nothing else.
import { isBacklexError } from '@backlex/kernel'
import type { FormattedExecutionResult } from 'graphql'

export const EVENT_STREAM_HEADERS: Record<string, string> = {
  'content-type': 'text/event-stream; charset=utf-8',
  'cache-control': 'no-cache, no-transform',
  // nginx buffers responses unless told not to.
  'x-accel-buffering': 'no',
}

/** Is this request asking for an event stream (the graphql-sse client sends exactly this)? */
export const acceptsEventStream = (accept: string | undefined): boolean =>
  /(^|,)\s*text\/event-stream\s*(;|,|$)/i.test(accept ?? '')

/** Results to stream: one, or an iterator of them (a subscription). */
export type StreamSource = FormattedExecutionResult | AsyncIterator<FormattedExecutionResult>

export interface EventStreamOptions {
  /** Keeps idle streams alive through proxies: a comment line at this interval. */
  keepAlive: KeepAlive
  /** Formats an error that ended a subscription's source as a result. */
  failed(error: unknown): FormattedExecutionResult
  /** Source errors with these codes end the response without `complete`, so clients reconnect. */
  reconnectCodes: ReadonlySet<string>
}

/** One timer for every open stream of an app (not one per stream). */
export interface KeepAlive {
  add(beat: () => void): () => void
}

export function createKeepAlive(intervalMs: number): KeepAlive {
  const beats = new Set<() => void>()
  let timer: ReturnType<typeof setInterval> | undefined
  return {
    add(beat) {
      beats.add(beat)
      if (!timer) {
        timer = setInterval(() => {
          for (const b of beats) b()
        }, intervalMs)
        // The timer must not keep a process alive on its own.
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

/** Keep-alive intervals without a read, while results wait, after which a client is gone. */
const STALLED_TICKS = 2

const encoder = new TextEncoder()
const COMMENT = encoder.encode(':\n\n')
const COMPLETE = encoder.encode('event: complete\ndata:\n\n')
const next = (result: FormattedExecutionResult) =>
  encoder.encode(`event: next\ndata: ${JSON.stringify(result)}\n\n`)

const isIterator = (source: StreamSource): source is AsyncIterator<FormattedExecutionResult> =>
  typeof (source as { next?: unknown }).next === 'function'

/**
 * The event stream response of `source`.
 * @example
 * return eventStreamResponse({ errors: [{ message: 'No.' }] }, options) // next, then complete
 */
export function eventStreamResponse(source: StreamSource, options: EventStreamOptions): Response {
  let done = false
  let stopBeating = () => {}
  // Reads by the client since the last keep-alive tick, and ticks in a row without any while
  // results were waiting.
  let pulls = 0
  let stalledTicks = 0
  const finish = (controller: ReadableStreamDefaultController<Uint8Array>, complete: boolean) => {
    if (done) return
    done = true
    stopBeating()
    try {
      if (complete) controller.enqueue(COMPLETE)
      controller.close()
    } catch {
      // Cancelled by the client meanwhile.
    }
  }
  const stream = new ReadableStream<Uint8Array>(
    {
      start(controller) {
        // Some clients only see the headers once a first byte arrives.
        controller.enqueue(COMMENT)
        if (!isIterator(source)) {
          controller.enqueue(next(source))
          finish(controller, true)
          return
        }
        stopBeating = options.keepAlive.add(() => {
          if (done) return
          const progressed = pulls > 0
          pulls = 0
          // Only when idle: a client that is not reading gets nothing more queued.
          if ((controller.desiredSize ?? 0) > 0) {
            stalledTicks = 0
            controller.enqueue(COMMENT)
            return
          }
          stalledTicks = progressed ? 0 : stalledTicks + 1
          // A client that took nothing for whole intervals while results waited has stopped
          // reading: its subscription and socket are let go instead of held open forever.
          if (stalledTicks >= STALLED_TICKS) {
            done = true
            stopBeating()
            controller.error(new Error('The client stopped reading the event stream.'))
            if (isIterator(source)) void source.return?.()
          }
        })
      },
      async pull(controller) {
        pulls++
        if (done || !isIterator(source)) return
        let step: IteratorResult<FormattedExecutionResult>
        try {
          step = await source.next()
        } catch (error) {
          if (done) return
          if (isBacklexError(error) && options.reconnectCodes.has(error.code)) {
            finish(controller, false)
            return
          }
          controller.enqueue(next(options.failed(error)))
          finish(controller, true)
          return
        }
        if (done) return
        if (step.done) finish(controller, true)
        else controller.enqueue(next(step.value))
      },
      async cancel() {
        done = true
        stopBeating()
        if (isIterator(source)) await source.return?.()
      },
    },
    // One result in the stream itself; the rest waits in the source, where it is bounded.
    new CountQueuingStrategy({ highWaterMark: 1 }),
  )
  return new Response(stream, { status: 200, headers: EVENT_STREAM_HEADERS })
}
