// createWorker: turns a backlex config into a Workers module. The app is built once per
// isolate, on the first request, from the env that request brings.
import {
  type Backlex,
  type BacklexConfig,
  createBacklex,
  Database,
  errorBody,
  isBacklexError,
  KernelErrors,
  type Plugin,
  type RuntimeInfo,
} from '@backlex/kernel'
import { d1 } from './d1/index.js'
import { isD1Database } from './d1/types.js'
import { type CloudflareEnvBindings, cloudflareEnv } from './env.js'
import { CloudflareErrors } from './errors.js'

/**
 * What a Worker offers plugins (`needs`): Web APIs and `waitUntil`. No `filesystem`, no
 * `process`, no `tcp` sockets of Node's kind.
 */
export const CLOUDFLARE_CAPABILITIES = ['fetch', 'web-crypto', 'streams', 'wait-until'] as const

export const cloudflareRuntime: RuntimeInfo = {
  name: 'cloudflare',
  capabilities: CLOUDFLARE_CAPABILITIES,
}

/** The part of Workers' ExecutionContext backlex uses. */
export interface ExecutionContextLike {
  waitUntil(promise: Promise<unknown>): void
  passThroughOnException?(): void
}

export interface WorkerOptions {
  /** The D1 binding used when the config names no Database plugin (default `DB`). */
  d1Binding?: string
}

/** A config, or a function of the Worker's env returning one (to read secrets and vars). */
export type WorkerConfig<E> = BacklexConfig | ((env: E) => BacklexConfig)

/** A Workers module: `export default createWorker(config)`. */
export interface BacklexWorker<E> {
  fetch(request: Request, env: E, ctx: ExecutionContextLike): Promise<Response>
}

const providesDatabase = (plugin: Plugin) =>
  (plugin.spec.provides ?? []).some((token) => token.id === Database.id)

const needsDatabase = (plugin: Plugin) =>
  (plugin.spec.requires ?? []).some((token) => token.id === Database.id) ||
  Object.keys(plugin.spec.migrations ?? {}).length > 0

/**
 * The config the preset boots: runtime info, the env service, a default D1 Database and
 * `migrateOnBoot`. `createWorker` calls it; other Workers-based presets can too.
 * @example
 * const app = createBacklex(workerConfig(defineConfig({ plugins: [hello()] }), env))
 */
export function workerConfig(
  config: BacklexConfig,
  env: CloudflareEnvBindings,
  options: WorkerOptions = {},
): BacklexConfig {
  const binding = options.d1Binding ?? 'DB'
  const plugins: Plugin[] = [cloudflareEnv({ env }), ...config.plugins]
  if (!config.plugins.some(providesDatabase)) {
    if (isD1Database(env[binding])) plugins.splice(1, 0, d1({ binding }))
    else {
      const needing = config.plugins.find(needsDatabase)
      if (needing) throw CloudflareErrors.NO_DATABASE_BINDING(needing.spec.name, binding)
    }
  }
  return {
    ...config,
    plugins,
    runtime: cloudflareRuntime,
    // A Worker has no deploy step of backlex's own to run `backlex migrate` next to it (yet),
    // so pending migrations are applied by the first isolate that boots; D1Dialect's lock
    // keeps isolates that boot together from applying the same migration twice.
    migrateOnBoot: config.migrateOnBoot ?? true,
  }
}

function unavailable(error: unknown): Response {
  const known = isBacklexError(error) ? error : CloudflareErrors.WORKER_CONFIG_FAILED(error)
  // The reason goes to the Worker's logs (`wrangler tail`); clients get the kernel's 503.
  // Same line shape as the kernel's console logger.
  console.error(
    JSON.stringify({
      level: 'error',
      time: new Date().toISOString(),
      msg: 'worker config failed',
      code: known.code,
      error: known.message,
    }),
  )
  return Response.json(errorBody(KernelErrors.NOT_BOOTED()), { status: 503 })
}

/**
 * Turns a backlex config into a Workers module. The kernel is built and booted once per
 * isolate, on the first request; pending migrations run then (see README).
 * @example
 * // src/worker.ts
 * import { createWorker } from '@backlex/cloudflare'
 * import { defineConfig } from '@backlex/kernel'
 * export default createWorker((env: { GREETING: string }) =>
 *   defineConfig({ plugins: [hello({ greeting: env.GREETING })] }),
 * )
 */
export function createWorker<E extends object = Record<string, unknown>>(
  config: WorkerConfig<E>,
  options: WorkerOptions = {},
): BacklexWorker<E> {
  let app: Backlex | undefined
  return {
    async fetch(request, env, ctx) {
      let kernel = app
      if (!kernel) {
        try {
          const base = typeof config === 'function' ? config(env) : config
          kernel = createBacklex(workerConfig(base, env as CloudflareEnvBindings, options))
          app = kernel
        } catch (error) {
          return unavailable(error)
        }
      }
      // A failed boot answers 503 and the kernel boots again on the next request, so a
      // passing D1 hiccup does not leave the isolate answering 503 until it is evicted.
      const response = await kernel.fetch(request, env, ctx)
      // Action hooks emitted without the request's waitUntil (e.g. from tools) run after the
      // response too; keep the isolate alive until they finish.
      ctx.waitUntil(kernel.events.settled())
      return response
    },
  }
}
