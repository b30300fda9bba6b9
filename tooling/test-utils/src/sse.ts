// Reading a Server-Sent Events response in the background, so a test can wait (with a bound)
// for an event while it does other requests.

export interface SentEvent {
  event: string
  id?: string
  data: string
}

export interface EventRecorder {
  /** Every event received so far, in order. */
  readonly events: SentEvent[]
  /** Resolves with the first event (received before or after the call) that `match` accepts. */
  waitFor(match: (event: SentEvent) => boolean, timeoutMs: number): Promise<SentEvent>
  /** Stops reading and closes the response. */
  close(): Promise<void>
}

/** Parses one `\n\n`-separated block; undefined for comments and blocks without data. */
function parseBlock(block: string): SentEvent | undefined {
  const event: SentEvent = { event: 'message', data: '' }
  let hasData = false
  for (const line of block.split('\n')) {
    const colon = line.indexOf(':')
    if (colon === 0) continue
    const field = colon < 0 ? line : line.slice(0, colon)
    const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '')
    if (field === 'event') event.event = value
    else if (field === 'id') event.id = value
    else if (field === 'data') {
      event.data = hasData ? `${event.data}\n${value}` : value
      hasData = true
    }
  }
  return hasData ? event : undefined
}

/**
 * Records the events of an open `text/event-stream` response body.
 * @example
 * const stream = recordEvents(response.body)
 * await stream.waitFor((e) => e.event === 'ready', 5000)
 */
export function recordEvents(body: ReadableStream<Uint8Array>): EventRecorder {
  const events: SentEvent[] = []
  const waiters = new Set<() => void>()
  const reader = body.getReader()
  const decoder = new TextDecoder()
  let ended = false
  const notify = () => {
    for (const waiter of waiters) waiter()
  }
  void (async () => {
    let buffer = ''
    try {
      for (;;) {
        const { value, done } = await reader.read()
        if (done) break
        buffer += decoder.decode(value, { stream: true })
        for (let end = buffer.indexOf('\n\n'); end >= 0; end = buffer.indexOf('\n\n')) {
          const event = parseBlock(buffer.slice(0, end))
          buffer = buffer.slice(end + 2)
          if (event) events.push(event)
        }
        notify()
      }
    } catch {
      // Aborted or reset: the stream is over either way.
    } finally {
      ended = true
      notify()
    }
  })()

  return {
    events,
    waitFor(match, timeoutMs) {
      return new Promise<SentEvent>((resolve, reject) => {
        const check = () => {
          const found = events.find(match)
          if (found) finish(() => resolve(found))
          else if (ended) finish(() => reject(new Error('the event stream ended')))
        }
        const timer = setTimeout(
          () => finish(() => reject(new Error(`no matching event within ${timeoutMs} ms`))),
          timeoutMs,
        )
        const finish = (settle: () => void) => {
          clearTimeout(timer)
          waiters.delete(check)
          settle()
        }
        waiters.add(check)
        check()
      })
    },
    async close() {
      await reader.cancel().catch(() => {})
    },
  }
}
