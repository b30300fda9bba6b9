// The PubSub contract on Redis: PUBLISH on a shared connection, and one subscriber connection
// per instance holding a SUBSCRIBE per channel that has local handlers. The client re-subscribes
// by itself after a reconnect; messages published while disconnected are lost, as with NOTIFY.
import type { LoggerAdapter, PubSubAdapter, PubSubHandler } from '@backlex/kernel'
import { openRedisConnection } from './connection.js'

export interface RedisPubSubOptions {
  /** `redis://host:6379`. */
  url: string
  /** Prepended to every channel name (default `backlex:`). */
  channelPrefix?: string
  /** How long publish and subscribe wait for the connection before failing, in ms (default 5000). */
  connectTimeoutMs?: number
  logger?: LoggerAdapter
}

export interface RedisPubSub extends PubSubAdapter {
  /** Fails with REDIS_UNAVAILABLE when Redis cannot be reached (used at boot). */
  ping(): Promise<void>
  close(): Promise<void>
}

/**
 * Creates a PubSub on Redis. Messages are JSON; any size Redis accepts.
 * @example
 * const bus = createRedisPubSub({ url: 'redis://127.0.0.1:6379' })
 * const stop = await bus.subscribe('orders', (m) => console.log(m))
 * await bus.publish('orders', { id: 1 })
 * await stop()
 */
export function createRedisPubSub(options: RedisPubSubOptions): RedisPubSub {
  const prefix = options.channelPrefix ?? 'backlex:'
  const publisher = openRedisConnection(options)
  const subscriber = publisher.duplicate()
  const handlers = new Map<string, Set<PubSubHandler>>()
  // Serialises SUBSCRIBE/UNSUBSCRIBE per channel, so a quick unsubscribe-then-subscribe keeps
  // the channel subscribed.
  const pending = new Map<string, Promise<void>>()
  /** Channels subscribed at Redis (one listener each). */
  const live = new Set<string>()

  const deliver = (topic: string, raw: string) => {
    let message: unknown
    try {
      message = JSON.parse(raw)
    } catch {
      return
    }
    for (const handler of handlers.get(topic) ?? []) {
      try {
        handler(message)
      } catch (error) {
        options.logger?.error('pubsub handler failed', {
          channel: topic,
          error: error instanceof Error ? error.message : String(error),
        })
      }
    }
  }

  const serially = (topic: string, work: () => Promise<void>): Promise<void> => {
    const next = (pending.get(topic) ?? Promise.resolve()).then(work, work)
    pending.set(topic, next)
    next.finally(() => pending.get(topic) === next && pending.delete(topic)).catch(() => {})
    return next
  }

  return {
    async publish(topic, message) {
      const client = await publisher.ready()
      await client.publish(prefix + topic, JSON.stringify(message ?? null))
    },
    async subscribe(topic, handler) {
      let set = handlers.get(topic)
      if (!set) {
        set = new Set()
        handlers.set(topic, set)
      }
      const entry: PubSubHandler = (m) => handler(m)
      set.add(entry)
      const channel = prefix + topic
      try {
        // Every subscriber waits for the SUBSCRIBE, also the ones after the first.
        await serially(topic, async () => {
          if (live.has(topic)) return
          const client = await subscriber.ready()
          await client.subscribe(channel, (raw) => deliver(topic, raw))
          live.add(topic)
        })
      } catch (error) {
        set.delete(entry)
        if (set.size === 0 && handlers.get(topic) === set) handlers.delete(topic)
        throw error
      }
      return async () => {
        if (!set.delete(entry) || set.size > 0 || handlers.get(topic) !== set) return
        handlers.delete(topic)
        await serially(topic, async () => {
          // A subscriber that came back in the meantime keeps the channel.
          if (handlers.has(topic) || !live.has(topic)) return
          const client = await subscriber.ready()
          await client.unsubscribe(channel)
          live.delete(topic)
        })
      }
    },
    async ping() {
      const client = await publisher.ready()
      await client.ping()
    },
    async close() {
      handlers.clear()
      live.clear()
      await Promise.allSettled([publisher.close(), subscriber.close()])
    },
  }
}
