// The Worker's env (bindings, vars, secrets) as a service, so plugins can look bindings up
// by name from a static config: `d1({ binding: 'DB' })`, an R2 bucket, a queue.
import { definePlugin, defineService } from '@backlex/kernel'
import { z } from 'zod'
import pkg from '../package.json' with { type: 'json' }

/** The env object the Worker was first called with; bindings are the same for the isolate's life. */
export type CloudflareEnvBindings = Readonly<Record<string, unknown>>

/**
 * The Worker's env; provided by `createWorker()`. Declare it in `requires` (or `optional`).
 * @example
 * boot(ctx) { const bucket = ctx.use(CloudflareEnv).FILES }
 */
export const CloudflareEnv = defineService<CloudflareEnvBindings>('cloudflare.env')

/**
 * Provides the CloudflareEnv service; `createWorker()` adds it, tests may too.
 * @example
 * createBacklex(defineConfig({ plugins: [cloudflareEnv({ env: { DB: d1 } }), d1()] }))
 */
export const cloudflareEnv = definePlugin({
  name: '@backlex/cloudflare-env',
  version: pkg.version,
  kernel: '^0.1.0',
  provides: [CloudflareEnv],
  // z.custom keeps the env object itself: a parsed copy could drop what workerd hides in it.
  options: z.object({
    env: z
      .custom<CloudflareEnvBindings>((value) => typeof value === 'object' && value !== null)
      .default({}),
  }),
  register(ctx, { env }) {
    ctx.provide(CloudflareEnv, () => env)
  },
})
