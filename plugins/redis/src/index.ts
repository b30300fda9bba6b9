// @backlex/redis: the Kv and PubSub services on Redis, for deployments of several instances.
import { definePlugin, Kv, PubSub } from '@backlex/kernel'
import { z } from 'zod'
import pkg from '../package.json' with { type: 'json' }
import { RedisErrors } from './errors.js'
import { createRedisKv, type RedisKv } from './kv.js'
import { createRedisPubSub, type RedisPubSub } from './pubsub.js'

export { type RedisErrorCode, RedisErrors } from './errors.js'
export { createRedisKv, type RedisKv, type RedisKvOptions } from './kv.js'
export { createRedisPubSub, type RedisPubSub, type RedisPubSubOptions } from './pubsub.js'

const connectionOptions = z.object({
  /** `redis://[user:password@]host:6379[/db]`; defaults to the REDIS_URL environment variable. */
  url: z
    .string()
    .regex(/^rediss?:\/\//, 'a redis:// or rediss:// URL')
    .optional(),
  /** How long a call waits for Redis before failing, in ms. */
  connectTimeoutMs: z.number().int().positive().default(5000),
})

function urlOf(given: string | undefined): string {
  const value = given ?? globalThis.process?.env?.REDIS_URL
  if (!value) throw RedisErrors.NO_URL()
  return value
}

/** A failed boot never reaches shutdown(), so stop the reconnect loop here. */
async function pingOrClose(service: RedisKv | RedisPubSub): Promise<void> {
  try {
    await service.ping()
  } catch (error) {
    await service.close()
    throw error
  }
}

/**
 * The Kv service on Redis: rate limits, caches and locks shared by every instance.
 * @example
 * defineConfig({ plugins: [postgres(), redisKv({ url: process.env.REDIS_URL })] })
 */
export const redisKv = definePlugin({
  name: '@backlex/redis-kv',
  version: pkg.version,
  kernel: '^0.1.0',
  provides: [Kv],
  options: connectionOptions.extend({
    keyPrefix: z.string().max(200).default('backlex:kv:'),
  }),
  register(ctx, options) {
    ctx.provide(
      Kv,
      (boot): RedisKv =>
        createRedisKv({ ...options, url: urlOf(options.url), logger: boot.logger }),
      {
        // A wrong URL fails the boot, not the first rate-limited request.
        start: (kv) => pingOrClose(kv),
        stop: (kv) => kv.close(),
      },
    )
  },
})

/**
 * The PubSub service on Redis: realtime events and cache invalidations reach every instance.
 * @example
 * defineConfig({ plugins: [postgres(), redisPubSub({ url: process.env.REDIS_URL }), realtime()] })
 */
export const redisPubSub = definePlugin({
  name: '@backlex/redis-pubsub',
  version: pkg.version,
  kernel: '^0.1.0',
  provides: [PubSub],
  options: connectionOptions.extend({
    channelPrefix: z.string().max(200).default('backlex:'),
  }),
  register(ctx, options) {
    ctx.provide(
      PubSub,
      (boot): RedisPubSub =>
        createRedisPubSub({ ...options, url: urlOf(options.url), logger: boot.logger }),
      { start: (pubsub) => pingOrClose(pubsub), stop: (pubsub) => pubsub.close() },
    )
  },
})
