// createBacklex: composes the registry (register phase), the container (services and scopes),
// the lifecycle (boot, drain, shutdown) and the HTTP app into one server.
import type { Hono } from 'hono'
import type { BacklexConfig } from './config.js'
import { type Container, createContainer, KERNEL_PLUGIN, type Provision } from './container.js'
import type { BacklexEnv } from './context.js'
import { Clock } from './contracts/clock.js'
import type { DatabaseAdapter } from './contracts/database.js'
import { Kv } from './contracts/kv.js'
import { Logger, type LoggerAdapter } from './contracts/logger.js'
import { PubSub } from './contracts/pubsub.js'
import { createConsoleLogger } from './defaults/console-logger.js'
import { createMemoryKv } from './defaults/memory-kv.js'
import { createMemoryPubSub } from './defaults/memory-pubsub.js'
import { systemClock } from './defaults/system-clock.js'
import { BacklexError, KernelErrors } from './errors.js'
import { createEventBus, createEventRegistry } from './events.js'
import type { ExtensionPoint } from './extension-points.js'
import { createHttpApp, errorBody } from './http/app.js'
import { buildOpenApiDocument, OpenApiContributions } from './http/openapi.js'
import type { RouteDefinition } from './http/route.js'
import { createLifecycle } from './lifecycle.js'
import {
  applyMigrations,
  type MigrationResult,
  type MigrationStatus,
  readMigrationStatus,
} from './migrations.js'
import type { Plugin } from './plugin.js'
import type { KernelHandle, PluginInfo, ResolvedConfig, RouteInfo } from './plugin-api.js'
import { PrincipalResolvers, WorkspaceResolvers } from './principal.js'
import { pluginInfos, type Registration, registerPlugins, routeInfos } from './registry.js'
import type { ServiceToken } from './services.js'
import { createToolRegistry, type ToolRegistry } from './tools.js'
import { KERNEL_VERSION } from './version.js'

export { KERNEL_PLUGIN }

export type KernelState = 'created' | 'booting' | 'ready' | 'stopping' | 'stopped' | 'failed'

/**
 * A server made by `createBacklex`. Hosts (presets, tests, the CLI) reach any service with
 * `get`/`tryGet`; plugin code gets a scoped `use(token)` instead.
 */
export interface Backlex extends KernelHandle {
  /** Serves a request; boots on the first one if `boot()` was not called. Workers-compatible. */
  fetch(request: Request, env?: unknown, executionCtx?: unknown): Promise<Response>
  /** Registers, orders and boots every plugin (and applies migrations when configured). */
  boot(): Promise<void>
  /**
   * Asks booted plugins to end long-lived responses (their `drain` hooks, in reverse boot
   * order), for a server that has stopped accepting connections. Idempotent; `shutdown()`
   * drains first when this was not called.
   */
  drain(): Promise<void>
  /** Shuts plugins down in reverse boot order and waits for pending action hooks. */
  shutdown(): Promise<void>
  /** Registers and orders plugins without booting them (CLI: `plugins`, `routes`). */
  inspect(): { plugins: PluginInfo[]; routes: RouteInfo[] }
  /** Applies pending migrations of every plugin; boots only what the Database needs. */
  migrate(): Promise<MigrationResult[]>
  /** Which migrations have run. */
  migrationStatus(): Promise<MigrationStatus[]>
  /** Any provided service (for hosts; plugin code uses its scoped `use`). */
  get<T>(token: ServiceToken<T>): T
  tryGet<T>(token: ServiceToken<T>): T | undefined
  readonly state: KernelState
}

function resolveConfig(config: BacklexConfig): ResolvedConfig {
  const dev = config.dev ?? false
  return {
    dev,
    migrateOnBoot: config.migrateOnBoot ?? dev,
    runtime: config.runtime ?? { name: 'unknown', capabilities: [] },
    bodyLimit: config.http?.bodyLimit ?? 1024 * 1024,
    bootTimeoutMs: config.bootTimeoutMs ?? 10_000,
    name: config.name ?? 'backlex',
  }
}

/** Kernel routes: liveness, and the OpenAPI document of every route with plugins' additions. */
function kernelRoutes(registration: () => Registration, title: string): RouteDefinition[] {
  return [
    {
      method: 'get',
      path: '/health',
      root: true,
      summary: 'Liveness check',
      tags: ['kernel'],
      handler: () => ({ status: 'ok' }),
    },
    {
      method: 'get',
      path: '/openapi',
      summary: 'The OpenAPI 3.1 document of this server',
      tags: ['kernel'],
      handler: async ({ ctx }) => {
        const doc = buildOpenApiDocument(registration().routes, { title, version: KERNEL_VERSION })
        for (const contribute of ctx.kernel.contributions(OpenApiContributions)) {
          await contribute(doc, ctx)
        }
        return Response.json(doc)
      },
    },
  ]
}

/**
 * Creates a backlex server from a config. Nothing runs until `boot()` or the first `fetch()`.
 * @example
 * const app = createBacklex(defineConfig({ plugins: [hello()] }))
 * await app.boot()
 * const res = await app.fetch(new Request('http://localhost/health'))
 */
export function createBacklex(config: BacklexConfig): Backlex {
  const resolved = resolveConfig(config)
  const clock = config.clock ?? systemClock
  const logger: LoggerAdapter =
    config.logger ??
    createConsoleLogger({ level: config.logLevel ?? (resolved.dev ? 'debug' : 'info') })
  const eventRegistry = createEventRegistry()
  let registration: Registration | undefined
  let tools: ToolRegistry | undefined
  let app: Hono<BacklexEnv> | undefined
  let state: KernelState = 'created'
  let booting: Promise<void> | undefined

  const defaults = new Map<string, Provision['factory']>([
    [PubSub.id, () => createMemoryPubSub()],
    [Kv.id, () => createMemoryKv(clock)],
    [Logger.id, () => logger],
    [Clock.id, () => clock],
  ])

  const contributionsOf = <T>(point: ExtensionPoint<T>): T[] =>
    (register().contributions.get(point.id) ?? []) as T[]

  const container: Container = createContainer({
    logger,
    config: resolved,
    kernel: () => handle,
    contributions: contributionsOf,
    provisions: () => registration?.provisions,
    declarations: (plugin) => registration?.plugins.get(plugin)?.declarations,
  })
  const scope = (plugin: string) => container.context(plugin)
  const events = createEventBus(eventRegistry, { logger, kernel: () => handle, scope })

  const handle: KernelHandle = {
    version: KERNEL_VERSION,
    config: resolved,
    contributions: contributionsOf,
    get tools() {
      register()
      return tools as ToolRegistry
    },
    events,
    plugins: () => pluginInfos(register()),
    routes: () => routeInfos(register()),
  }

  function register(): Registration {
    if (registration) return registration
    const reg = registerPlugins({
      plugins: config.plugins as readonly Plugin[],
      config: resolved,
      events: eventRegistry,
      defaults,
      kernelRoutes: kernelRoutes(() => reg, resolved.name),
      use: (plugin) => container.context(plugin).use,
    })
    registration = reg
    tools = createToolRegistry(reg.tools, { kernel: () => handle, logger, scope })
    app = createHttpApp({
      kernel: handle,
      logger,
      routes: reg.routes,
      mounts: reg.mounts,
      scope,
      principalResolvers: () => contributionsOf(PrincipalResolvers),
      workspaceResolvers: () => contributionsOf(WorkspaceResolvers),
      bodyLimit: resolved.bodyLimit,
      ...(config.http?.cors ? { cors: config.http.cors } : {}),
      ...(resolved.runtime.clientAddress ? { clientAddress: resolved.runtime.clientAddress } : {}),
    })
    return reg
  }

  const lifecycle = createLifecycle({
    registration: register,
    container,
    config: resolved,
    logger,
  })
  const withDatabase = <T>(work: (db: DatabaseAdapter) => Promise<T>) =>
    lifecycle.withDatabase(work, state === 'ready')

  const get = <T>(token: ServiceToken<T>): T => {
    register()
    const instance = container.resolve(token)
    if (instance === undefined) throw KernelErrors.SERVICE_UNAVAILABLE(token)
    return instance
  }

  const kernel: Backlex = {
    version: handle.version,
    config: handle.config,
    get,
    tryGet: (token) => {
      register()
      return container.resolve(token)
    },
    contributions: handle.contributions,
    events,
    plugins: handle.plugins,
    routes: handle.routes,
    get tools() {
      return handle.tools
    },
    get state() {
      return state
    },
    inspect() {
      const reg = register()
      return { plugins: pluginInfos(reg), routes: routeInfos(reg) }
    },
    boot() {
      if (booting) return booting
      state = 'booting'
      booting = (async () => {
        try {
          const reg = register()
          await lifecycle.bootAll(resolved.migrateOnBoot)
          state = 'ready'
          logger.debug('booted', { plugins: reg.order })
        } catch (error) {
          state = 'failed'
          // A later boot() (or request) may try again: Workers keep isolates alive across failures.
          booting = undefined
          throw error
        }
      })()
      return booting
    },
    async drain() {
      if (state !== 'ready') return
      await lifecycle.drainAll()
    },
    async shutdown() {
      if (state === 'stopped' || state === 'stopping') return
      if (booting) await booting.catch(() => {})
      state = 'stopping'
      await lifecycle.drainAll()
      await events.settled()
      await lifecycle.shutdownAll()
      state = 'stopped'
    },
    async fetch(request, env, executionCtx) {
      if (state === 'stopping' || state === 'stopped') {
        return Response.json(errorBody(KernelErrors.NOT_BOOTED()), { status: 503 })
      }
      if (state !== 'ready') {
        try {
          await kernel.boot()
        } catch (error) {
          logger.error('boot failed', {
            error: error instanceof Error ? error.message : String(error),
          })
          return Response.json(errorBody(KernelErrors.NOT_BOOTED()), { status: 503 })
        }
      }
      register()
      return (app as Hono<BacklexEnv>).fetch(request, env as never, executionCtx as never)
    },
    migrate: () => withDatabase((db) => applyMigrations(db, migrationEntries(register()))),
    migrationStatus: () =>
      withDatabase((db) => readMigrationStatus(db, migrationEntries(register()))),
  }
  return kernel
}

function migrationEntries(reg: Registration) {
  return reg.order.flatMap((name) => {
    const entry = reg.plugins.get(name)
    return entry ? [{ plugin: entry.spec.name, migrations: entry.spec.migrations ?? {} }] : []
  })
}

export { BacklexError }
