// The plugin API: a plugin is data plus lifecycle functions (register, boot, drain, shutdown).
import type { Hono } from 'hono'
import type { Kysely } from 'kysely'
import type { z } from 'zod'
import type { SqlDialect } from './contracts/database.js'
import type { LoggerAdapter } from './contracts/logger.js'
import type { ExtensionPoint } from './extension-points.js'
import type { RouteDefinition } from './http/route.js'
import type {
  ActionHook,
  AnyDeps,
  Deps,
  EventKey,
  FilterHook,
  KernelHandle,
  ResolvedConfig,
  RouteEffect,
  Scope,
  ToolDefinition,
} from './plugin-api.js'
import type { RuntimeCapability } from './runtime.js'
import type { ServiceToken } from './services.js'

/** One migration of a plugin; `dialect` lets it branch where SQLite and PostgreSQL differ. */
export interface PluginMigration {
  // biome-ignore lint/suspicious/noExplicitAny: migrations run before any typed schema exists
  up(db: Kysely<any>, dialect: SqlDialect): Promise<void>
  // biome-ignore lint/suspicious/noExplicitAny: see above
  down?(db: Kysely<any>, dialect: SqlDialect): Promise<void>
}

/** How the kernel runs a provided service's instance: started at boot, stopped at shutdown. */
export interface ServiceLifecycle<T, D extends Deps = AnyDeps> {
  /**
   * Runs once when the providing plugin boots, before its `boot` hook, in dependency order
   * (providers of what this plugin requires start first). I/O is allowed.
   */
  start?(instance: T, ctx: BootContext<D>): Promise<void> | void
  /**
   * Runs once while the server drains (it stopped accepting connections): end long-lived
   * responses here. Reverse boot order, before any `stop`.
   */
  drain?(instance: T, ctx: BootContext<D>): Promise<void> | void
  /** Runs once at shutdown, after the plugin's `shutdown` hook, in reverse boot order. */
  stop?(instance: T, ctx: BootContext<D>): Promise<void> | void
}

/**
 * What `register()` may do: declare things. No I/O; `use()` works only once the kernel boots,
 * so closures registered here (contributions, resolvers) may call it later.
 */
export interface RegisterContext<D extends Deps = AnyDeps> extends Scope<D> {
  /**
   * Provides a service: `factory` makes the one instance of this kernel, on the first `use()`
   * or when this plugin boots, whichever comes first; `lifecycle` starts and stops it. The
   * lifecycle sees the factory's own type (e.g. an adapter with a `close()` the token's
   * contract does not show), so no plugin casts to reach its own runtime.
   */
  provide<T, I extends T = T>(
    token: ServiceToken<T>,
    factory: (ctx: BootContext<D>) => I,
    lifecycle?: ServiceLifecycle<I, D>,
  ): void
  /** Adds a route validated by its zod schemas (under `/api` unless `root`). */
  route(route: RouteDefinition): void
  /**
   * Mounts a Hono sub-app at `prefix` (under `/api` unless `root`) for routes zod cannot describe.
   * Type it `new Hono<BacklexEnv>()` to read the request context with `c.get('backlex')`.
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
    filter<P>(event: EventKey<P>, hook: FilterHook<P, D>): void
    /** Runs after commit in the background; never blocks or fails the operation. */
    action<P>(event: EventKey<P>, hook: ActionHook<P, D>): void
  }
  /** Adds a value to another plugin's extension point (a no-op when its owner is absent). */
  contribute<T>(point: ExtensionPoint<T>, value: T): void
}

/** What `boot()`, `drain()`, `shutdown()` and service factories get. */
export interface BootContext<D extends Deps = AnyDeps> extends Scope<D> {
  readonly logger: LoggerAdapter
  readonly config: ResolvedConfig
  readonly kernel: KernelHandle
  /** Everything contributed to an extension point, in plugin order. */
  contributions<T>(point: ExtensionPoint<T>): T[]
}

/**
 * A plugin's declaration. `D` is inferred from `requires`, `optional` and `provides` by
 * `definePlugin`, so `ctx.use(token)` in its hooks is typed: present for `requires` and
 * `provides`, possibly undefined for `optional`; the kernel refuses undeclared tokens at runtime.
 */
export interface PluginSpec<O extends z.ZodType = z.ZodType, D extends Deps = AnyDeps> {
  /** Package name, e.g. `@backlex/auth`. */
  name: string
  version: string
  /** Semver range of kernels this plugin works with, e.g. `^0.1.0`. */
  kernel?: string
  /** Services this plugin cannot work without; boot fails fast when no plugin provides one. */
  requires?: D['requires']
  /** Services it uses when some plugin provides them; `use()` gives undefined otherwise. */
  optional?: D['optional']
  /** Services it provides, each with `ctx.provide()` in `register`. */
  provides?: D['provides']
  /** Runtime capabilities this plugin needs, e.g. `filesystem`; refused at boot where missing. */
  needs?: readonly RuntimeCapability[]
  /** Validates the options given to the plugin factory; failures stop the boot. */
  options?: O
  /** Static, so the CLI can read them without booting. Applied in key order. */
  migrations?: Readonly<Record<string, PluginMigration>>
  register?(ctx: RegisterContext<D>, options: z.output<O>): void
  boot?(ctx: BootContext<D>, options: z.output<O>): Promise<void> | void
  /**
   * The server has stopped accepting connections and waits for in-flight requests: end
   * long-lived responses (event streams) now, so that the wait does not run into its timeout.
   * Runs once, in reverse boot order, before `shutdown`; requests are still served meanwhile.
   */
  drain?(ctx: BootContext<D>, options: z.output<O>): Promise<void> | void
  shutdown?(ctx: BootContext<D>, options: z.output<O>): Promise<void> | void
}

/** A plugin as listed in a config: its spec and the options it was given. */
export interface Plugin {
  readonly spec: PluginSpec
  readonly options: unknown
}

/**
 * What `definePlugin` returns. Its type names only the options: the services a plugin declares
 * type its hooks, not its public declaration, so a plugin's `.d.ts` never names the types of an
 * optional integration's package (an app without that package type-checks).
 */
export type PluginFactory<O extends z.ZodType> = ((options?: z.input<O>) => Plugin) & {
  readonly spec: PluginSpec<O>
}

// biome-ignore lint/suspicious/noExplicitAny: a token of any service type
type Tokens = readonly ServiceToken<any>[]

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
export function definePlugin<
  // biome-ignore lint/complexity/noBannedTypes: an empty object is the options of a plugin without any
  O extends z.ZodType = z.ZodType<{}, {}>,
  const R extends Tokens = [],
  const Opt extends Tokens = [],
  const P extends Tokens = [],
>(spec: PluginSpec<O, { requires: R; optional: Opt; provides: P }>): PluginFactory<O> {
  const erased = spec as unknown as PluginSpec<O>
  const factory = (options?: z.input<O>): Plugin => ({ spec: erased as PluginSpec, options })
  return Object.assign(factory, { spec: erased })
}
