// Telling every instance that cached API key principals are stale: dropped here at once, then
// published on PubSub so the other instances drop them when the message arrives.
import type { LoggerAdapter, PubSubAdapter } from '@backlex/kernel'
import type { ApiKeyPrincipalCache, ApiKeyScope } from './principal-cache.js'

export const API_KEYS_CHANGED_CHANNEL = 'backlex.auth.api-keys.changed'

export interface ApiKeyInvalidation {
  /**
   * Drops the matching cached principals on this instance, then publishes the change. Call it
   * after the change is committed and before answering, so the next request sees it.
   */
  changed(scope: ApiKeyScope): Promise<void>
  /** Listens for changes made on other instances. */
  start(): Promise<void>
  stop(): Promise<void>
}

const isString = (value: unknown): value is string => typeof value === 'string'

/** The scope a message names; anything unrecognised drops everything, the safe answer. */
export function scopeOfMessage(message: unknown): ApiKeyScope {
  if (!message || typeof message !== 'object') return 'all'
  const { keyId, userId, workspace } = message as Record<string, unknown>
  if (isString(keyId)) return { keyId }
  if (isString(userId)) return isString(workspace) ? { userId, workspace } : { userId }
  if (isString(workspace)) return { workspace }
  return 'all'
}

export function createApiKeyInvalidation(deps: {
  cache: ApiKeyPrincipalCache
  pubsub: PubSubAdapter
  logger: LoggerAdapter
}): ApiKeyInvalidation {
  const { cache, logger } = deps
  let unsubscribe: (() => Promise<void>) | undefined

  return {
    async changed(scope) {
      cache.drop(scope)
      // Without a cache on this instance, others may still have one: always publish.
      try {
        await deps.pubsub.publish(API_KEYS_CHANGED_CHANNEL, scope === 'all' ? {} : scope)
      } catch (error) {
        // Other instances drop the entry when its TTL ends instead.
        logger.error('could not tell other instances about an API key change', {
          error: error instanceof Error ? error.message : String(error),
        })
      }
    },
    async start() {
      unsubscribe = await deps.pubsub.subscribe(API_KEYS_CHANGED_CHANNEL, (message) => {
        cache.drop(scopeOfMessage(message))
      })
    },
    async stop() {
      await unsubscribe?.()
      unsubscribe = undefined
      cache.drop('all')
    },
  }
}
