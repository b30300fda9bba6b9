// The plugin API: a plugin is data plus lifecycle functions (register, boot, drain, shutdown).
import type { Hono } from 'hono'
import type { Kysely } from 'kysely'
import type { z } from 'zod'
import type { RuntimeCapability } from './config.js'
import type { SqlDialect } from './contracts/database.js'
import type { LoggerAdapter } from './contracts/logger.js'
import type { ActionHook, FilterHook } from './events.js'
import type { ExtensionPoint } from './extension-points.js'
import type { RouteEffect } from './http/request-guards.js'
import type { RouteDefinition } from './http/route.js'
import type { KernelHandle, ResolvedConfig } from './kernel-handle.js'
import type { ServiceToken } from './services.js'
import type { ToolDefinition } from './tools.js'

/** One migration of a plugin; `dialect` lets it branch where SQLite and PostgreSQL differ. */
export interface PluginMigration {
  // biome-ignore lint/suspicious/noExplicitAny: migrations run before any typed schema exists
  up(db: Kysely<any>, dialect: SqlDialect): Promise<void>
  // biome-ignore lint/suspicious/noExplicitAny: see above
  down?(db: Kysely<any>, dialect: SqlDialect): Promise<void>
}

/** What `register()` may do: declare things. No I/O and no access to other services. */
export interface RegisterContext {
  readonly plugin: string
  /** Provides a service through a lazy factory, called on the first `get()`. */
  provide<T>(token: ServiceToken<T>, factory: (ctx: BootContext) => T): void
  /** Adds a route validated by its zod schemas (under `/api` unless `root`). */
  route(route: RouteDefinition): void
  /**
   * Mounts a Hono sub-app at `prefix` (under `/api` unless `root`) for routes zod cannot describe.
   * Type it `new Hono<BacklexEnv>()` to read the request context with `c.get('backlex')`.
   */
  /**
   * `effect`: as on `defineRoute`, for every route of the sub-app; without it, the method
   * decides (non-GET requests are writes, refused to read-only principals).
   */
  routes(
    prefix: string,
    // biome-ignore lint/suspicious/noExplicitAny: any Hono env is accepted; the kernel sets BacklexEnv's variables
    app: Hono<any, any, any>,
    options?: { root?: boolean; effect?: RouteEffect },
  ): void
  /** Registers a tool (MCP, agents, admin). */
  tool(tool: ToolDefinition): void
  on: {
    /** Runs inside the operation; may change the payload or throw to reject it. */
    filter<P = unknown>(event: string, hook: FilterHook<P>): void
    /** Runs after commit in the background; never blocks or fails the operation. */
    action<P = unknown>(event: string, hook: ActionHook<P>): void
  }
  /** Adds a value to another plugin's extension point (a no-op when its owner is absent). */
  contribute<T>(point: ExtensionPoint<T>, value: T): void
}

/** What `boot()`, `shutdown()` and service factories get: services and contributions. */
export interface BootContext {
  readonly plugin: string
  readonly logger: LoggerAdapter
  readonly config: ResolvedConfig
  readonly kernel: KernelHandle
  /** A service listed in `requires` (or provided by this plugin). */
  get<T>(token: ServiceToken<T>): T
  /** A service listed in `optional`, or undefined when no plugin provides it. */
  tryGet<T>(token: ServiceToken<T>): T | undefined
  /** Everything contributed to an extension point, in plugin order. */
  contributions<T>(point: ExtensionPoint<T>): T[]
}

export interface PluginSpec<O extends z.ZodType = z.ZodType> {
  /** Package name, e.g. `@backlex/auth`. */
  name: string
  version: string
  /** Semver range of kernels this plugin works with, e.g. `^0.1.0`. */
  kernel?: string
  requires?: readonly ServiceToken<unknown>[]
  optional?: readonly ServiceToken<unknown>[]
  provides?: readonly ServiceToken<unknown>[]
  /** Runtime capabilities this plugin needs, e.g. `filesystem`; refused at boot where missing. */
  needs?: readonly RuntimeCapability[]
  /** Validates the options given to the plugin factory; failures stop the boot. */
  options?: O
  /** Static, so the CLI can read them without booting. Applied in key order. */
  migrations?: Readonly<Record<string, PluginMigration>>
  register?(ctx: RegisterContext, options: z.output<O>): void
  boot?(ctx: BootContext, options: z.output<O>): Promise<void> | void
  /**
   * The server has stopped accepting connections and waits for in-flight requests: end
   * long-lived responses (event streams) now, so that the wait does not run into its timeout.
   * Runs once, in reverse boot order, before `shutdown`; requests are still served meanwhile.
   */
  drain?(ctx: BootContext, options: z.output<O>): Promise<void> | void
  shutdown?(ctx: BootContext, options: z.output<O>): Promise<void> | void
}

/** A plugin as listed in a config: its spec and the options it was given. */
export interface Plugin {
  readonly spec: PluginSpec
  readonly options: unknown
}

export type PluginFactory<O extends z.ZodType> = ((options?: z.input<O>) => Plugin) & {
  readonly spec: PluginSpec<O>
}

/**
 * Defines a plugin; the result is a factory taking the plugin's options.
 * @example
 * export const hello = definePlugin({
 *   name: '@acme/hello', version: '1.0.0', kernel: '^0.1.0',
 *   options: z.object({ greeting: z.string().default('Hello') }),
 *   register(ctx, opts) {
 *     ctx.route(defineRoute({ method: 'get', path: '/hello', handler: () => ({ text: opts.greeting }) }))
 *   },
 * })
 * // backlex.config.ts: defineConfig({ plugins: [hello({ greeting: 'Hi' })] })
 */
// biome-ignore lint/complexity/noBannedTypes: an empty object is the options of a plugin without any
export function definePlugin<O extends z.ZodType = z.ZodType<{}, {}>>(
  spec: PluginSpec<O>,
): PluginFactory<O> {
  const factory = (options?: z.input<O>): Plugin => ({ spec: spec as PluginSpec, options })
  return Object.assign(factory, { spec })
}
