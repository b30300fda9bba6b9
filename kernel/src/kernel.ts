// createBacklex: registers plugins, orders them, boots them, serves HTTP and shuts down.
import type { Hono } from 'hono'
import satisfies from 'semver/functions/satisfies.js'
import validRange from 'semver/ranges/valid.js'
import type { BacklexConfig } from './config.js'
import type { BacklexEnv } from './context.js'
import { Clock } from './contracts/clock.js'
import { Database, type DatabaseAdapter } from './contracts/database.js'
import { Kv } from './contracts/kv.js'
import { Logger, type LoggerAdapter } from './contracts/logger.js'
import { PubSub } from './contracts/pubsub.js'
import { createConsoleLogger } from './defaults/console-logger.js'
import { createMemoryKv } from './defaults/memory-kv.js'
import { createMemoryPubSub } from './defaults/memory-pubsub.js'
import { systemClock } from './defaults/system-clock.js'
import { BacklexError, isBacklexError, KernelErrors } from './errors.js'
import { addHook, createEventBus, createEventRegistry, type EventBus } from './events.js'
import type { ExtensionPoint } from './extension-points.js'
import { resolvePluginGraph } from './graph.js'
import { createHttpApp, errorBody, type Mount } from './http/app.js'
import { buildOpenApiDocument, OpenApiContributions } from './http/openapi.js'
import { effectOfMethod } from './http/request-guards.js'
import type { RouteDefinition, RouteRecord } from './http/route.js'
import type { KernelHandle, PluginInfo, ResolvedConfig, RouteInfo } from './kernel-handle.js'
import {
  applyMigrations,
  type MigrationResult,
  type MigrationStatus,
  type PluginMigrations,
  readMigrationStatus,
} from './migrations.js'
import type { BootContext, Plugin, PluginSpec, RegisterContext } from './plugin.js'
import { PrincipalResolvers, WorkspaceResolvers } from './principal.js'
import type { ServiceToken } from './services.js'
import { createToolRegistry, TOOL_NAME, type ToolDefinition, type ToolRegistry } from './tools.js'
import { KERNEL_VERSION } from './version.js'

/** The name the kernel uses for what it registers itself (defaults, /health, /api/openapi). */
export const KERNEL_PLUGIN = '@backlex/kernel'

export type KernelState = 'created' | 'booting' | 'ready' | 'stopping' | 'stopped' | 'failed'

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
  readonly state: KernelState
}

interface Registered {
  spec: PluginSpec
  options: unknown
  requires: ServiceToken<unknown>[]
  ctx?: BootContext
}

interface Registration {
  plugins: Map<string, Registered>
  order: string[]
  providers: Map<string, string>
  factories: Map<string, (ctx: BootContext) => unknown>
  routes: RouteRecord[]
  mounts: Mount[]
  tools: Map<string, ToolDefinition & { plugin: string }>
  contributions: Map<string, unknown[]>
  app: Hono<BacklexEnv>
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
    raw: config,
  }
}

function withTimeout<T>(work: Promise<T>, ms: number, onTimeout: () => BacklexError): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(onTimeout()), ms)
  })
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer))
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
  const events: EventBus = createEventBus(eventRegistry, logger, () => handle)
  const instances = new Map<string, unknown>()
  const creating = new Set<string>()
  let registration: Registration | undefined
  let tools: ToolRegistry | undefined
  let state: KernelState = 'created'
  let booting: Promise<void> | undefined
  const booted: string[] = []

  const kernelDefaults: Record<string, (ctx: BootContext) => unknown> = {
    [PubSub.id]: () => createMemoryPubSub(),
    [Kv.id]: () => createMemoryKv(clock),
    [Logger.id]: () => logger,
    [Clock.id]: () => clock,
  }

  const instantiate = <T>(token: ServiceToken<T>): T | undefined => {
    const reg = register()
    if (instances.has(token.id)) return instances.get(token.id) as T
    const provider = reg.providers.get(token.id)
    if (provider === undefined) return undefined
    const factory = reg.factories.get(token.id)
    if (!factory) return undefined
    if (creating.has(token.id)) {
      throw KernelErrors.DEPENDENCY_CYCLE([provider, `service "${token.id}"`, provider])
    }
    creating.add(token.id)
    try {
      const ctx = bootContextOf(provider)
      const instance = factory(ctx)
      instances.set(token.id, instance)
      return instance as T
    } finally {
      creating.delete(token.id)
    }
  }

  const contributionsOf = <T>(point: ExtensionPoint<T>): T[] =>
    (register().contributions.get(point.id) ?? []) as T[]

  const handle: KernelHandle = {
    version: KERNEL_VERSION,
    config: resolved,
    get<T>(token: ServiceToken<T>): T {
      const instance = instantiate(token)
      if (instance === undefined) throw KernelErrors.SERVICE_UNAVAILABLE(token)
      return instance
    },
    tryGet: (token) => instantiate(token),
    contributions: contributionsOf,
    get tools() {
      register()
      return tools as ToolRegistry
    },
    events,
    plugins: () => pluginInfos(register()),
    routes: () => routeInfos(register()),
  }

  function bootContextOf(name: string): BootContext {
    const reg = register()
    const entry = reg.plugins.get(name)
    if (entry?.ctx) return entry.ctx
    const allowed = new Set([
      ...(entry?.requires ?? []).map((t) => t.id),
      ...(entry?.spec.optional ?? []).map((t) => t.id),
      ...(entry?.spec.provides ?? []).map((t) => t.id),
    ])
    const isKernel = name === KERNEL_PLUGIN
    const ctx: BootContext = {
      plugin: name,
      logger: logger.child({ plugin: name }),
      config: resolved,
      kernel: handle,
      get(token) {
        if (!isKernel && !allowed.has(token.id))
          throw KernelErrors.SERVICE_NOT_DECLARED(name, token)
        return handle.get(token)
      },
      tryGet(token) {
        if (!isKernel && !allowed.has(token.id))
          throw KernelErrors.SERVICE_NOT_DECLARED(name, token)
        return handle.tryGet(token)
      },
      contributions: contributionsOf,
    }
    if (entry) entry.ctx = ctx
    return ctx
  }

  function register(): Registration {
    if (registration) return registration
    const plugins = new Map<string, Registered>()
    const factories = new Map<string, (ctx: BootContext) => unknown>()
    const routes: RouteRecord[] = []
    const mounts: Mount[] = []
    const toolMap = new Map<string, ToolDefinition & { plugin: string }>()
    const contributions = new Map<string, unknown[]>()
    const routeOwners = new Map<string, string>()

    const claimRoute = (plugin: string, method: string, fullPath: string) => {
      const key = `${method.toUpperCase()} ${fullPath.replace(/\/+$/, '') || '/'}`
      const other = routeOwners.get(key)
      if (other !== undefined)
        throw KernelErrors.DUPLICATE_ROUTE(plugin, other, method.toUpperCase(), fullPath)
      routeOwners.set(key, plugin)
    }
    const joinPath = (root: boolean | undefined, path: string) => {
      const clean = `/${path.replace(/^\/+/, '')}`.replace(/\/+$/, '')
      return (root ? clean : `/api${clean}`) || '/'
    }

    const kernelRoutes: RouteDefinition[] = [
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
          const doc = buildOpenApiDocument(routes, {
            title: resolved.name,
            version: KERNEL_VERSION,
          })
          for (const contribute of ctx.kernel.contributions(OpenApiContributions)) {
            await contribute(doc, ctx)
          }
          return Response.json(doc)
        },
      },
    ]
    for (const route of kernelRoutes) {
      const fullPath = joinPath(route.root, route.path)
      claimRoute(KERNEL_PLUGIN, route.method, fullPath)
      routes.push({ plugin: KERNEL_PLUGIN, method: route.method, fullPath, definition: route })
    }

    const runtime = resolved.runtime
    for (const plugin of config.plugins as readonly Plugin[]) {
      if (typeof plugin === 'function') {
        const name = (plugin as { spec?: { name?: unknown } }).spec?.name
        throw KernelErrors.INVALID_PLUGIN(
          String(name ?? 'unknown'),
          'the plugin factory was listed without calling it; write `hello()`, not `hello`.',
        )
      }
      const spec = plugin?.spec
      if (!spec || typeof spec.name !== 'string') {
        throw KernelErrors.INVALID_PLUGIN(
          String(spec?.name ?? plugin),
          'not a plugin; did you forget to call the plugin factory, e.g. `hello()`?',
        )
      }
      const name = spec.name
      if (plugins.has(name) || name === KERNEL_PLUGIN) throw KernelErrors.DUPLICATE_PLUGIN(name)
      if (spec.kernel !== undefined) {
        if (validRange(spec.kernel) === null) {
          throw KernelErrors.INVALID_PLUGIN(name, `"${spec.kernel}" is not a semver range.`)
        }
        if (!satisfies(KERNEL_VERSION, spec.kernel, { includePrerelease: true })) {
          throw KernelErrors.KERNEL_VERSION_MISMATCH(name, spec.kernel, KERNEL_VERSION)
        }
      }
      for (const capability of spec.needs ?? []) {
        if (!runtime.capabilities.includes(capability)) {
          throw KernelErrors.MISSING_CAPABILITY(name, capability, runtime.name)
        }
      }
      let options: unknown = plugin.options
      if (spec.options) {
        const parsed = spec.options.safeParse(plugin.options ?? {})
        if (!parsed.success) {
          throw KernelErrors.INVALID_PLUGIN_OPTIONS(
            name,
            parsed.error.issues
              .map((i) => `${i.path.map(String).join('.') || '(options)'}: ${i.message}`)
              .join('; '),
          )
        }
        options = parsed.data
      }
      const requires = [...(spec.requires ?? [])]
      const hasMigrations = Object.keys(spec.migrations ?? {}).length > 0
      if (hasMigrations && !requires.some((t) => t.id === Database.id)) requires.push(Database)
      plugins.set(name, { spec, options, requires })

      let open = true
      const guard = (what: string) => {
        if (!open) throw KernelErrors.REGISTER_PHASE_ONLY(name, what)
      }
      const declared = new Set((spec.provides ?? []).map((t) => t.id))
      const ctx: RegisterContext = {
        plugin: name,
        provide(token, factory) {
          guard('provide()')
          if (!declared.has(token.id)) {
            throw KernelErrors.INVALID_PLUGIN(
              name,
              `provides "${token.id}" without listing it in provides.`,
            )
          }
          factories.set(token.id, factory)
        },
        route(route) {
          guard('route()')
          const fullPath = joinPath(route.root, route.path)
          claimRoute(name, route.method, fullPath)
          routes.push({ plugin: name, method: route.method, fullPath, definition: route })
        },
        routes(prefix, app, opts) {
          guard('routes()')
          const fullPath = joinPath(opts?.root, prefix)
          for (const r of app.routes) {
            if (r.method === 'ALL') continue
            const path = `${fullPath}${r.path === '/' ? '' : r.path}`
            claimRoute(name, r.method, path)
            routes.push({
              plugin: name,
              method: r.method.toLowerCase(),
              fullPath: path,
              effect: opts?.effect,
            })
          }
          mounts.push({ plugin: name, fullPath, app, effect: opts?.effect })
        },
        tool(tool) {
          guard('tool()')
          if (!TOOL_NAME.test(tool.name)) {
            throw KernelErrors.INVALID_PLUGIN(
              name,
              `tool name "${tool.name}" must match ${TOOL_NAME}.`,
            )
          }
          const other = toolMap.get(tool.name)
          if (other) throw KernelErrors.DUPLICATE_TOOL(name, other.plugin, tool.name)
          toolMap.set(tool.name, { ...tool, plugin: name })
        },
        on: {
          filter(event, hook) {
            guard('on.filter()')
            addHook(eventRegistry, 'filters', event, { plugin: name, hook: hook as never })
          },
          action(event, hook) {
            guard('on.action()')
            addHook(eventRegistry, 'actions', event, { plugin: name, hook: hook as never })
          },
        },
        contribute(point, value) {
          guard('contribute()')
          const list = contributions.get(point.id) ?? []
          list.push(value)
          contributions.set(point.id, list)
        },
      }
      spec.register?.(ctx, options as never)
      open = false
      for (const id of declared) {
        if (!factories.has(id)) {
          throw KernelErrors.INVALID_PLUGIN(
            name,
            `lists "${id}" in provides but never calls ctx.provide() for it.`,
          )
        }
      }
    }

    const defaults = new Map<string, string>()
    for (const [id, factory] of Object.entries(kernelDefaults)) {
      defaults.set(id, KERNEL_PLUGIN)
      if (!factories.has(id)) factories.set(id, factory)
    }
    const graph = resolvePluginGraph(
      [...plugins.values()].map(({ spec, requires }) => ({
        name: spec.name,
        requires,
        optional: spec.optional ?? [],
        provides: spec.provides ?? [],
      })),
      defaults,
    )

    tools = createToolRegistry(toolMap, () => handle, logger)
    const reg: Registration = {
      plugins,
      order: graph.order,
      providers: graph.providers,
      factories,
      routes,
      mounts,
      tools: toolMap,
      contributions,
      app: undefined as unknown as Hono<BacklexEnv>,
    }
    registration = reg
    reg.app = createHttpApp({
      kernel: handle,
      logger,
      routes,
      mounts,
      principalResolvers: () => contributionsOf(PrincipalResolvers),
      workspaceResolvers: () => contributionsOf(WorkspaceResolvers),
      bodyLimit: resolved.bodyLimit,
      ...(config.http?.cors ? { cors: config.http.cors } : {}),
      ...(resolved.runtime.clientAddress ? { clientAddress: resolved.runtime.clientAddress } : {}),
    })
    return reg
  }

  const migrationEntries = (reg: Registration): PluginMigrations[] =>
    reg.order
      .map((name) => reg.plugins.get(name))
      .filter((p): p is Registered => p !== undefined)
      .map((p) => ({ plugin: p.spec.name, migrations: p.spec.migrations ?? {} }))

  async function bootPlugin(reg: Registration, name: string, migrate: boolean): Promise<void> {
    const entry = reg.plugins.get(name)
    if (!entry || booted.includes(name)) return
    const ctx = bootContextOf(name)
    const work = (async () => {
      if (migrate && Object.keys(entry.spec.migrations ?? {}).length > 0) {
        const database = handle.tryGet(Database)
        if (!database) throw KernelErrors.NO_DATABASE(name)
        await applyMigrations(database, [{ plugin: name, migrations: entry.spec.migrations ?? {} }])
      }
      await entry.spec.boot?.(ctx, entry.options as never)
    })()
    try {
      await withTimeout(work, resolved.bootTimeoutMs, () =>
        KernelErrors.BOOT_TIMEOUT(name, resolved.bootTimeoutMs),
      )
    } catch (error) {
      throw isBacklexError(error) ? error : KernelErrors.BOOT_FAILED(name, error)
    }
    booted.push(name)
  }

  /** Runs one lifecycle hook of a booted plugin within the timeout; failures are logged. */
  async function runStopHook(name: string, hook: 'drain' | 'shutdown'): Promise<void> {
    const entry = registration?.plugins.get(name)
    const run = entry?.spec[hook]
    if (!entry || !run) return
    try {
      await withTimeout(
        Promise.resolve(run(bootContextOf(name), entry.options as never)),
        resolved.bootTimeoutMs,
        () => KernelErrors.BOOT_TIMEOUT(name, resolved.bootTimeoutMs),
      )
    } catch (error) {
      logger.error(`plugin ${hook} failed`, {
        plugin: name,
        error: error instanceof Error ? error.message : String(error),
      })
    }
  }

  let draining: Promise<void> | undefined
  function drainBooted(): Promise<void> {
    draining ??= (async () => {
      for (const name of [...booted].reverse()) await runStopHook(name, 'drain')
    })()
    return draining
  }

  async function shutdownBooted(): Promise<void> {
    while (booted.length > 0) await runStopHook(booted.pop() as string, 'shutdown')
    draining = undefined
    instances.clear()
  }

  /** Boots the Database provider and what it depends on, for migrations outside a full boot. */
  async function withDatabase<T>(run: (db: DatabaseAdapter) => Promise<T>): Promise<T> {
    const reg = register()
    const provider = reg.providers.get(Database.id)
    if (provider === undefined) throw KernelErrors.SERVICE_UNAVAILABLE(Database)
    const wasBooted = state === 'ready'
    const needed = new Set<string>()
    const collect = (name: string) => {
      if (needed.has(name)) return
      needed.add(name)
      for (const token of reg.plugins.get(name)?.requires ?? []) {
        const p = reg.providers.get(token.id)
        if (p !== undefined && p !== name) collect(p)
      }
    }
    collect(provider)
    try {
      if (!wasBooted) {
        for (const name of reg.order) if (needed.has(name)) await bootPlugin(reg, name, false)
      }
      return await run(handle.get(Database))
    } finally {
      if (!wasBooted) await shutdownBooted()
    }
  }

  const kernel: Backlex = {
    version: handle.version,
    config: handle.config,
    get: handle.get,
    tryGet: handle.tryGet,
    contributions: handle.contributions,
    events: handle.events,
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
          for (const name of reg.order) await bootPlugin(reg, name, resolved.migrateOnBoot)
          state = 'ready'
          logger.debug('booted', { plugins: reg.order })
        } catch (error) {
          state = 'failed'
          await shutdownBooted()
          // A later boot() (or request) may try again: Workers keep isolates alive across failures.
          booting = undefined
          throw error
        }
      })()
      return booting
    },
    async drain() {
      if (state !== 'ready') return
      await drainBooted()
    },
    async shutdown() {
      if (state === 'stopped' || state === 'stopping') return
      if (booting) await booting.catch(() => {})
      state = 'stopping'
      await drainBooted()
      await events.settled()
      await shutdownBooted()
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
      return register().app.fetch(request, env as never, executionCtx as never)
    },
    migrate: () => withDatabase((db) => applyMigrations(db, migrationEntries(register()))),
    migrationStatus: () =>
      withDatabase((db) => readMigrationStatus(db, migrationEntries(register()))),
  }
  return kernel
}

function pluginInfos(reg: Registration): PluginInfo[] {
  return reg.order.flatMap((name) => {
    const entry = reg.plugins.get(name)
    if (!entry) return []
    const { spec, requires } = entry
    return [
      {
        name: spec.name,
        version: spec.version,
        kernel: spec.kernel ?? null,
        requires: requires.map((t) => t.id),
        optional: (spec.optional ?? []).map((t) => t.id),
        provides: (spec.provides ?? []).map((t) => t.id),
        migrations: Object.keys(spec.migrations ?? {}),
      },
    ]
  })
}

function routeInfos(reg: Registration): RouteInfo[] {
  return reg.routes.map((r) => ({
    plugin: r.plugin,
    method: r.method.toUpperCase(),
    path: r.fullPath,
    effect: r.definition?.effect ?? r.effect ?? effectOfMethod(r.method),
    ...(r.definition?.summary ? { summary: r.definition.summary } : {}),
  }))
}

export { BacklexError }
