// The Kv contract: a small key-value store for caches, rate limits and locks.
import { defineService } from '../services.js'

export interface KvSetOptions {
  /** Time to live in milliseconds; the key disappears after it. */
  ttlMs?: number
}

export interface KvAdapter {
  get<T = unknown>(key: string): Promise<T | null>
  set(key: string, value: unknown, options?: KvSetOptions): Promise<void>
  /** Sets only when the key is absent; true when it was set. The building block for locks. */
  setIfAbsent(key: string, value: unknown, options?: KvSetOptions): Promise<boolean>
  delete(key: string): Promise<void>
  /**
   * Adds `by` to a counter atomically, creating it at 0 with `ttlMs` when absent.
   * Returns the new value and the milliseconds left before it expires (null: never).
   */
  increment(
    key: string,
    by?: number,
    options?: KvSetOptions,
  ): Promise<{ value: number; ttlMs: number | null }>
}

export const Kv = defineService<KvAdapter>('backlex.kv')
