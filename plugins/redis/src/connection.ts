// One Redis connection that opens on first use, reconnects with capped backoff, and fails a
// command with REDIS_UNAVAILABLE instead of waiting forever when Redis cannot be reached.
import type { LoggerAdapter } from '@backlex/kernel'
import { createClient } from '@redis/client'
import { RedisErrors } from './errors.js'

export interface RedisConnectionOptions {
  /** `redis://[user:password@]host:6379[/db]`, or `rediss://` for TLS. */
  url: string
  /** How long a command waits for the connection before failing, in ms (default 5000). */
  connectTimeoutMs?: number
  /** Longest wait between reconnect attempts, in ms (default 5000). */
  maxBackoffMs?: number
  logger?: LoggerAdapter
}

function newClient(url: string, connectTimeout: number, maxBackoff: number) {
  return createClient({
    url,
    socket: {
      connectTimeout,
      reconnectStrategy: (retries) => Math.min(maxBackoff, 50 * 2 ** retries),
    },
  })
}

export type RedisClient = ReturnType<typeof newClient>

export interface RedisConnection {
  /** The connected client; rejects with REDIS_UNAVAILABLE past the connect timeout. */
  ready(): Promise<RedisClient>
  /** A second connection with the same options (a subscriber needs its own). */
  duplicate(): RedisConnection
  close(): Promise<void>
}

export function openRedisConnection(options: RedisConnectionOptions): RedisConnection {
  const timeoutMs = options.connectTimeoutMs ?? 5000
  const maxBackoff = options.maxBackoffMs ?? 5000
  const client = newClient(options.url, timeoutMs, maxBackoff)
  let lastError: unknown
  // Without a listener, an 'error' event would crash the process; the client reconnects itself.
  client.on('error', (error: unknown) => {
    lastError = error
    options.logger?.warn('redis connection error', {
      error: error instanceof Error ? error.message : String(error),
    })
  })
  let connecting = false
  let closed = false

  const ready = async (): Promise<RedisClient> => {
    if (client.isReady) return client
    if (closed) throw RedisErrors.UNAVAILABLE(0, lastError)
    // connect() settles only once connected; until then the client retries by itself.
    if (!connecting) {
      connecting = true
      client.connect().catch((error: unknown) => {
        lastError = error
        connecting = false
      })
    }
    let onReady: (() => void) | undefined
    let timer: ReturnType<typeof setTimeout> | undefined
    try {
      await new Promise<void>((resolve, reject) => {
        onReady = resolve
        client.once('ready', onReady)
        timer = setTimeout(() => reject(RedisErrors.UNAVAILABLE(timeoutMs, lastError)), timeoutMs)
        if (client.isReady) resolve()
      })
    } finally {
      clearTimeout(timer)
      if (onReady) client.off('ready', onReady)
    }
    return client
  }

  return {
    ready,
    duplicate: () => openRedisConnection(options),
    async close() {
      closed = true
      if (client.isReady) await client.close().catch(() => client.destroy())
      else if (client.isOpen) client.destroy()
    },
  }
}
