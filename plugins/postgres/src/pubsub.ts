// PubSub over PostgreSQL LISTEN/NOTIFY: one listening connection per instance that
// reconnects with backoff and re-subscribes; publishing goes through the pool.
import type { LoggerAdapter, PubSubAdapter, PubSubHandler } from '@backlex/kernel'
import pg from 'pg'
import { isConnectionLoss, unavailable } from './connection-loss.js'
import { clientConfig, type PostgresConnection } from './database.js'
import { PostgresErrors } from './errors.js'

export interface PostgresPubSubOptions extends PostgresConnection {
  /** The NOTIFY channel all backlex messages travel on (default `backlex_pubsub`). */
  channel?: string
  logger?: LoggerAdapter
  /** Longest wait between reconnect attempts, in ms (default 5000). */
  maxBackoffMs?: number
  /** How long subscribe() waits for the listening connection before failing, in ms (default 30,000). */
  maxWaitMs?: number
}

export interface PostgresPubSub extends PubSubAdapter {
  close(): Promise<void>
  /** True while the listening connection is up. */
  readonly connected: boolean
}

interface Envelope {
  c: string
  m: unknown
}

const CHANNEL = /^[a-z_][a-z0-9_]{0,62}$/
const MAX_PAYLOAD = 7999

/**
 * Creates a PubSub on LISTEN/NOTIFY.
 * @example
 * const bus = createPostgresPubSub({ connectionString: process.env.DATABASE_URL ?? '' })
 * await bus.subscribe('orders', (m) => console.log(m))
 * await bus.publish('orders', { id: 1 })
 */
export function createPostgresPubSub(options: PostgresPubSubOptions): PostgresPubSub {
  const channel = options.channel ?? 'backlex_pubsub'
  if (!CHANNEL.test(channel)) throw PostgresErrors.INVALID_CHANNEL(channel)
  const maxBackoff = options.maxBackoffMs ?? 5000
  const maxWait = options.maxWaitMs ?? 30_000
  const handlers = new Map<string, Set<PubSubHandler>>()
  const pool = new pg.Pool({ ...clientConfig(options), max: 2 })
  // Lost publishing connections are replaced on the next publish; they must not crash the process.
  pool.on('connect', (pooled) => pooled.on('error', () => {}))
  pool.on('error', () => {})
  let client: pg.Client | undefined
  let listening = false
  let ready: Promise<void> | undefined
  let closed = false
  let attempt = 0
  /** Connection attempts that failed so far (never reset), and why the last one did. */
  let failures = 0
  let lastFailure: unknown
  let timer: ReturnType<typeof setTimeout> | undefined

  const deliver = (payload: string | undefined) => {
    if (!payload) return
    let envelope: Envelope
    try {
      envelope = JSON.parse(payload) as Envelope
    } catch {
      return
    }
    for (const handler of handlers.get(envelope.c) ?? []) {
      try {
        handler(envelope.m)
      } catch (error) {
        options.logger?.error('pubsub handler failed', {
          channel: envelope.c,
          error: error instanceof Error ? error.message : String(error),
        })
      }
    }
  }

  /** Drops a dead connection and schedules exactly one reconnect attempt. */
  const lost = (which: pg.Client, error?: unknown) => {
    if (client !== which) return
    client = undefined
    listening = false
    which.removeAllListeners()
    which.on('error', () => {})
    which.end().catch(() => {})
    if (closed) return
    const delay = Math.min(maxBackoff, 100 * 2 ** attempt++)
    options.logger?.warn('pubsub connection lost; reconnecting', {
      delayMs: delay,
      error: error instanceof Error ? error.message : undefined,
    })
    ready = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, delay)
    })
      .then(() => (closed ? undefined : connect()))
      // A failed attempt has already scheduled the next one through lost().
      .catch(() => {})
  }

  const connect = async (): Promise<void> => {
    const next = new pg.Client(clientConfig(options))
    client = next
    next.on('notification', (msg) => {
      if (msg.channel === channel) deliver(msg.payload)
    })
    next.on('error', (error) => lost(next, error))
    next.on('end', () => lost(next))
    try {
      await next.connect()
      await next.query(`LISTEN ${channel}`)
      if (client === next) {
        listening = true
        attempt = 0
      }
    } catch (error) {
      failures++
      lastFailure = error
      lost(next, error)
      throw error
    }
  }

  /**
   * Waits until the listening connection is up (across reconnect attempts), at most `maxWaitMs`;
   * when an attempt made meanwhile finds the server unreachable, fails at once with
   * DATABASE_UNAVAILABLE rather than holding the caller (an HTTP request) for the whole wait.
   */
  const ensure = async () => {
    const deadline = Date.now() + maxWait
    const failuresBefore = failures
    while (!closed && !listening) {
      if (failures > failuresBefore && isConnectionLoss(lastFailure)) {
        throw PostgresErrors.DATABASE_UNAVAILABLE(lastFailure)
      }
      if (Date.now() > deadline) throw PostgresErrors.PUBSUB_UNAVAILABLE(maxWait)
      ready ??= connect().catch(() => {})
      const current = ready
      await current
      if (ready === current && !listening) ready = undefined
    }
  }

  return {
    get connected() {
      return listening
    },
    async publish(topic, message) {
      const payload = JSON.stringify({ c: topic, m: message ?? null } satisfies Envelope)
      const bytes = new TextEncoder().encode(payload).byteLength
      if (bytes > MAX_PAYLOAD) throw PostgresErrors.PUBSUB_PAYLOAD_TOO_LARGE(bytes)
      await pool.query('select pg_notify($1, $2)', [channel, payload]).catch((error: unknown) => {
        throw unavailable(error)
      })
    },
    async subscribe(topic, handler) {
      await ensure()
      const set = handlers.get(topic) ?? new Set<PubSubHandler>()
      handlers.set(topic, set)
      const entry: PubSubHandler = (m) => handler(m)
      set.add(entry)
      return async () => {
        set.delete(entry)
        if (set.size === 0) handlers.delete(topic)
      }
    },
    async close() {
      closed = true
      clearTimeout(timer)
      const current = client
      client = undefined
      listening = false
      handlers.clear()
      await Promise.allSettled([current?.end(), pool.end()])
    },
  }
}
