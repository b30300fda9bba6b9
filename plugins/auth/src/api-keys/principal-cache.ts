// Resolved API key principals kept for a few seconds, by the key's hash: most requests then
// skip the key and owner-role queries. Entries are dropped on every change that could alter them.
import type { Principal } from '@backlex/kernel'

/** A resolved key as the cache keeps it. */
export interface CachedApiKey {
  /** Frozen: shared by every request that hits this entry. */
  principal: Principal
  keyId: string
  userId: string
  workspace: string
  /** Epoch ms; checked on every hit. */
  expiresAt: number | null
  /** Epoch ms of the last `last_used_at` write this instance knows of. */
  lastUsedAt: number | null
  /** Epoch ms when the entry was loaded from the database. */
  loadedAt: number
}

/** What to drop: one key, every key of a user (in a workspace or all), or a whole workspace. */
export type ApiKeyScope =
  | { keyId: string }
  | { userId: string; workspace?: string | undefined }
  | { workspace: string }
  | 'all'

export interface ApiKeyPrincipalCache {
  /** False when the TTL is 0: nothing is ever stored. */
  readonly enabled: boolean
  /** A live entry, or undefined (a stale one is dropped). */
  get(hash: string, now: number): CachedApiKey | undefined
  /**
   * Bumped by every drop. Read it before loading a key and pass it to `set`: a load that
   * overlapped a change is not stored, since it may have read the rows before that change.
   */
  readonly generation: number
  set(hash: string, entry: CachedApiKey, generation: number): void
  drop(scope: ApiKeyScope): void
  readonly size: number
}

function matches(entry: CachedApiKey, scope: Exclude<ApiKeyScope, 'all'>): boolean {
  if ('keyId' in scope) return entry.keyId === scope.keyId
  if ('userId' in scope) {
    return (
      entry.userId === scope.userId &&
      (scope.workspace === undefined || entry.workspace === scope.workspace)
    )
  }
  return entry.workspace === scope.workspace
}

/**
 * An LRU of at most `maxEntries` keys, each kept `ttlMs` after it was loaded.
 * @example
 * const cache = createApiKeyPrincipalCache({ ttlMs: 5000, maxEntries: 5000 })
 * const generation = cache.generation
 * const entry = await load(hash)
 * cache.set(hash, entry, generation)
 * cache.drop({ keyId: entry.keyId })
 */
export function createApiKeyPrincipalCache(options: {
  ttlMs: number
  maxEntries: number
}): ApiKeyPrincipalCache {
  const { ttlMs, maxEntries } = options
  const entries = new Map<string, CachedApiKey>()
  let generation = 0

  return {
    enabled: ttlMs > 0,
    get(hash, now) {
      const entry = entries.get(hash)
      if (!entry) return undefined
      if (now - entry.loadedAt >= ttlMs || now < entry.loadedAt) {
        entries.delete(hash)
        return undefined
      }
      // Most recently used last, so eviction drops the least recently used entry.
      entries.delete(hash)
      entries.set(hash, entry)
      return entry
    },
    get generation() {
      return generation
    },
    set(hash, entry, loadedIn) {
      if (ttlMs <= 0 || loadedIn !== generation) return
      entries.delete(hash)
      entries.set(hash, entry)
      if (entries.size > maxEntries) {
        const oldest = entries.keys().next().value
        if (oldest !== undefined) entries.delete(oldest)
      }
    },
    drop(scope) {
      generation++
      if (scope === 'all') return entries.clear()
      for (const [hash, entry] of entries) if (matches(entry, scope)) entries.delete(hash)
    },
    get size() {
      return entries.size
    },
  }
}
