// The API key principal cache: TTL, LRU bound, scoped drops, and loads that overlap a drop.
import { describe, expect, it } from 'vitest'
import { scopeOfMessage } from './invalidation.js'
import { type CachedApiKey, createApiKeyPrincipalCache } from './principal-cache.js'

const entry = (keyId: string, userId = 'u1', workspace = 'main', loadedAt = 0): CachedApiKey => ({
  principal: { type: 'apiKey', id: keyId, userId, roles: [], admin: false },
  keyId,
  userId,
  workspace,
  expiresAt: null,
  lastUsedAt: null,
  loadedAt,
})

describe('API key principal cache', () => {
  it('keeps an entry for the TTL only', () => {
    const cache = createApiKeyPrincipalCache({ ttlMs: 1000, maxEntries: 10 })
    cache.set('h', entry('k'), cache.generation)
    expect(cache.get('h', 999)?.keyId).toBe('k')
    expect(cache.get('h', 1000)).toBeUndefined()
    expect(cache.size).toBe(0)
  })

  it('stores nothing with a TTL of 0', () => {
    const cache = createApiKeyPrincipalCache({ ttlMs: 0, maxEntries: 10 })
    expect(cache.enabled).toBe(false)
    cache.set('h', entry('k'), cache.generation)
    expect(cache.get('h', 0)).toBeUndefined()
  })

  it('drops the least recently used entry past its size', () => {
    const cache = createApiKeyPrincipalCache({ ttlMs: 1000, maxEntries: 2 })
    cache.set('a', entry('a'), cache.generation)
    cache.set('b', entry('b'), cache.generation)
    cache.get('a', 1)
    cache.set('c', entry('c'), cache.generation)
    expect(cache.get('b', 1)).toBeUndefined()
    expect(cache.get('a', 1)?.keyId).toBe('a')
    expect(cache.get('c', 1)?.keyId).toBe('c')
  })

  it('drops by key, by user (in a workspace or all), by workspace, or everything', () => {
    const cache = createApiKeyPrincipalCache({ ttlMs: 1000, maxEntries: 10 })
    const fill = () => {
      cache.set('1', entry('k1', 'u1', 'main'), cache.generation)
      cache.set('2', entry('k2', 'u1', 'other'), cache.generation)
      cache.set('3', entry('k3', 'u2', 'main'), cache.generation)
    }
    const left = () => ['1', '2', '3'].filter((h) => cache.get(h, 1))
    fill()
    cache.drop({ keyId: 'k2' })
    expect(left()).toEqual(['1', '3'])
    fill()
    cache.drop({ userId: 'u1', workspace: 'main' })
    expect(left()).toEqual(['2', '3'])
    fill()
    cache.drop({ userId: 'u1' })
    expect(left()).toEqual(['3'])
    fill()
    cache.drop({ workspace: 'main' })
    expect(left()).toEqual(['2'])
    fill()
    cache.drop('all')
    expect(left()).toEqual([])
  })

  it('does not store a load that overlapped a drop', () => {
    const cache = createApiKeyPrincipalCache({ ttlMs: 1000, maxEntries: 10 })
    const before = cache.generation
    cache.drop({ keyId: 'unrelated' })
    cache.set('h', entry('k'), before)
    expect(cache.get('h', 1)).toBeUndefined()
  })

  it('reads a PubSub message as a scope, everything when unrecognised', () => {
    expect(scopeOfMessage({ keyId: 'k' })).toEqual({ keyId: 'k' })
    expect(scopeOfMessage({ userId: 'u', workspace: 'w' })).toEqual({ userId: 'u', workspace: 'w' })
    expect(scopeOfMessage({ userId: 'u' })).toEqual({ userId: 'u' })
    expect(scopeOfMessage({ workspace: 'w' })).toEqual({ workspace: 'w' })
    expect(scopeOfMessage({})).toBe('all')
    expect(scopeOfMessage('nonsense')).toBe('all')
    expect(scopeOfMessage(null)).toBe('all')
  })
})
