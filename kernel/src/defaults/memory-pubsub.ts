// In-process PubSub: the default when no plugin provides one. Reaches this instance only.
import type { PubSubAdapter, PubSubHandler } from '../contracts/pubsub.js'

/**
 * Creates a PubSub that delivers within one process.
 * @example
 * const bus = createMemoryPubSub()
 * await bus.subscribe('news', (m) => console.log(m))
 * await bus.publish('news', { hello: 'world' })
 */
export function createMemoryPubSub(): PubSubAdapter {
  const channels = new Map<string, Set<PubSubHandler>>()
  return {
    async publish(channel, message) {
      // Round-trip through JSON so in-memory delivery behaves like a network adapter.
      const payload = JSON.parse(JSON.stringify(message ?? null)) as unknown
      for (const handler of channels.get(channel) ?? []) {
        queueMicrotask(() => handler(payload))
      }
    },
    async subscribe(channel, handler) {
      let set = channels.get(channel)
      if (!set) {
        set = new Set()
        channels.set(channel, set)
      }
      // Wrap so the same handler may subscribe twice and unsubscribe independently.
      const entry: PubSubHandler = (message) => handler(message)
      set.add(entry)
      return async () => {
        set.delete(entry)
        if (set.size === 0) channels.delete(channel)
      }
    },
  }
}
