// In-process Kv: the default when no plugin provides one. Reaches this instance only.

import type { ClockAdapter } from '../contracts/clock.js'
import type { KvAdapter } from '../contracts/kv.js'

interface Entry {
  value: unknown
  expiresAt: number | null
}

/**
 * Creates a Kv kept in a Map, with lazy expiry.
 * @example
 * const kv = createMemoryKv()
 * await kv.set('greeting', 'hi', { ttlMs: 1000 })
 */
export function createMemoryKv(clock: ClockAdapter = { now: () => new Date() }): KvAdapter {
  const entries = new Map<string, Entry>()
  const now = () => clock.now().getTime()
  const live = (key: string): Entry | undefined => {
    const entry = entries.get(key)
    if (entry && entry.expiresAt !== null && entry.expiresAt <= now()) {
      entries.delete(key)
      return undefined
    }
    return entry
  }
  const expiry = (ttlMs?: number) => (ttlMs === undefined ? null : now() + ttlMs)
  const clone = (value: unknown) => JSON.parse(JSON.stringify(value ?? null)) as unknown

  return {
    async get<T>(key: string) {
      const entry = live(key)
      return entry ? (clone(entry.value) as T) : null
    },
    async set(key, value, options) {
      entries.set(key, { value: clone(value), expiresAt: expiry(options?.ttlMs) })
    },
    async setIfAbsent(key, value, options) {
      if (live(key)) return false
      entries.set(key, { value: clone(value), expiresAt: expiry(options?.ttlMs) })
      return true
    },
    async delete(key) {
      entries.delete(key)
    },
    async increment(key, by = 1, options) {
      let entry = live(key)
      if (!entry) {
        entry = { value: 0, expiresAt: expiry(options?.ttlMs) }
        entries.set(key, entry)
      }
      const value = Number(entry.value) + by
      entry.value = value
      return { value, ttlMs: entry.expiresAt === null ? null : entry.expiresAt - now() }
    },
  }
}
