// The Kv contract on Redis: JSON values, millisecond TTLs, SET NX for setIfAbsent and a Lua
// script for increment, so each operation is one atomic round trip shared by every instance.
import type { KvAdapter, LoggerAdapter } from '@backlex/kernel'
import { openRedisConnection, type RedisConnection } from './connection.js'
import { RedisErrors } from './errors.js'

export interface RedisKvOptions {
  /** `redis://host:6379`. */
  url: string
  /** Prepended to every key (default `backlex:kv:`), so several apps can share one Redis. */
  keyPrefix?: string
  /** How long a call waits for the connection before failing, in ms (default 5000). */
  connectTimeoutMs?: number
  logger?: LoggerAdapter
}

export interface RedisKv extends KvAdapter {
  /** Fails with REDIS_UNAVAILABLE when Redis cannot be reached (used at boot). */
  ping(): Promise<void>
  close(): Promise<void>
}

// Creates the counter at 0 (with the TTL) when absent, then adds: the memory Kv's semantics.
// INCRBYFLOAT accepts integers and fractions alike and stores integral results without a point.
const INCREMENT = `
if redis.call('EXISTS', KEYS[1]) == 0 then
  local ttl = tonumber(ARGV[2])
  if ttl then redis.call('SET', KEYS[1], '0', 'PX', ttl) else redis.call('SET', KEYS[1], '0') end
end
local value = redis.call('INCRBYFLOAT', KEYS[1], ARGV[1])
return { value, redis.call('PTTL', KEYS[1]) }
`

/** Redis rejects a PX of 0; the memory Kv expires such a key at once, so 1 ms is the match. */
const ttlArg = (ttlMs: number) => Math.max(1, Math.ceil(ttlMs))

/**
 * Creates a Kv on Redis. The connection opens on first use.
 * @example
 * const kv = createRedisKv({ url: 'redis://127.0.0.1:6379' })
 * await kv.set('greeting', { text: 'hi' }, { ttlMs: 60_000 })
 * const hits = await kv.increment('hits:ada', 1, { ttlMs: 60_000 }) // { value: 1, ttlMs: 60000 }
 */
export function createRedisKv(options: RedisKvOptions): RedisKv {
  const prefix = options.keyPrefix ?? 'backlex:kv:'
  const connection: RedisConnection = openRedisConnection(options)
  const encode = (value: unknown) => JSON.stringify(value ?? null)

  return {
    async get<T>(key: string) {
      const client = await connection.ready()
      const raw = await client.get(prefix + key)
      return raw === null ? null : (JSON.parse(raw) as T)
    },
    async set(key, value, setOptions) {
      const client = await connection.ready()
      const ttl = setOptions?.ttlMs
      await client.set(
        prefix + key,
        encode(value),
        ttl === undefined ? undefined : { expiration: { type: 'PX', value: ttlArg(ttl) } },
      )
    },
    async setIfAbsent(key, value, setOptions) {
      const client = await connection.ready()
      const ttl = setOptions?.ttlMs
      const reply = await client.set(prefix + key, encode(value), {
        condition: 'NX',
        ...(ttl === undefined ? {} : { expiration: { type: 'PX', value: ttlArg(ttl) } }),
      })
      return reply !== null
    },
    async delete(key) {
      const client = await connection.ready()
      await client.del(prefix + key)
    },
    async increment(key, by = 1, incrementOptions) {
      const client = await connection.ready()
      const ttl = incrementOptions?.ttlMs
      let reply: unknown
      try {
        reply = await client.eval(INCREMENT, {
          keys: [prefix + key],
          arguments: [String(by), ttl === undefined ? '' : String(ttlArg(ttl))],
        })
      } catch (error) {
        if (error instanceof Error && /not a valid float/i.test(error.message)) {
          throw RedisErrors.NOT_A_NUMBER(key)
        }
        throw error
      }
      const [value, pttl] = reply as [string, number]
      return { value: Number(value), ttlMs: Number(pttl) < 0 ? null : Number(pttl) }
    },
    async ping() {
      const client = await connection.ready()
      await client.ping()
    },
    close: () => connection.close(),
  }
}
