// The Realtime service other plugins use: publish on a free-form channel from the server.
import { defineService } from '@backlex/kernel'

export interface RealtimeService {
  /**
   * Publishes a message on a free-form channel as the server: no rate limit, no hook, logged and
   * sent to every instance like a client's message (sender `{ type: 'system', id: null }`).
   * Throws REALTIME_INVALID_CHANNEL or REALTIME_NOT_PUBLISHABLE for other channels.
   * @example
   * await ctx.get(Realtime).publish('main', 'deploys', { version: '1.2.0' })
   */
  publish(workspace: string, channel: string, data: unknown): Promise<{ id: number }>
  /** Open streams, channels with subscribers and re-checked credentials, on this instance. */
  stats(): { connections: number; channels: number; callers: number }
}

/**
 * The service token; list it in `optional` to publish when realtime is installed.
 * @example
 * definePlugin({ name: '@acme/deploys', version: '1.0.0', optional: [Realtime],
 *   async boot(ctx) { await ctx.tryGet(Realtime)?.publish('main', 'deploys', { up: true }) } })
 */
export const Realtime = defineService<RealtimeService>('backlex.realtime')
