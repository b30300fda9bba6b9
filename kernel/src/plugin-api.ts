// What plugin code receives wherever it runs: the scoped `use(token)`, the request, tool and
// hook contexts, the kernel handle, typed events and the tool registry. These types refer to
// one another, so they live in one file that imports none of the kernel's implementation.
import type { z } from 'zod'
import type { LoggerAdapter } from './contracts/logger.js'
import type { ExtensionPoint } from './extension-points.js'
import type { Principal } from './principal.js'
import type { RuntimeInfo } from './runtime.js'
import type { ServiceOf, ServiceToken } from './services.js'

// ---------------------------------------------------------------------------------------------
// Scoped services

// biome-ignore lint/suspicious/noExplicitAny: a token of any service type
type AnyToken = ServiceToken<any>

/** The services a plugin declares: `requires` are always there, `optional` may be absent. */
export interface Deps {
  readonly requires?: readonly AnyToken[]
  readonly optional?: readonly AnyToken[]
  readonly provides?: readonly AnyToken[]
}

/** Deps of a context typed without a plugin's declaration: any token, typed as present. */
export interface AnyDeps {
  readonly requires: readonly AnyToken[]
  readonly optional: readonly AnyToken[]
  readonly provides: readonly AnyToken[]
}

type Listed<D, K extends keyof Deps> = D extends { readonly [P in K]?: readonly (infer X)[] }
  ? X
  : never
type IsAny<T> = 0 extends 1 & T ? true : false
/** The optional tokens of a declaration; none for a context typed without one (AnyDeps). */
type OptionalOf<D> =
  Listed<D, 'optional'> extends infer X
    ? X extends AnyToken
      ? IsAny<ServiceOf<X>> extends true
        ? never
        : X
      : never
    : never

/**
 * Resolves a service the plugin declared: a token from `requires` or `provides` gives the
 * service, a token from `optional` gives it or undefined (typed so where the context knows the
 * plugin's declaration). A token the plugin did not declare fails with SERVICE_NOT_DECLARED
 * (plugin and token named), at the first call. Overloads rather than a conditional type, so a
 * context typed with one plugin's declaration still fits where a plain context is expected.
 */
export interface Use<D extends Deps = AnyDeps> {
  <T>(token: ServiceToken<T> & OptionalOf<D>): T | undefined
  <T>(token: ServiceToken<T>): T
}

/** A plugin's view of the kernel's services; every context plugin code receives extends it. */
export interface Scope<D extends Deps = AnyDeps> {
  /** The plugin this scope belongs to. */
  readonly plugin: string
  readonly use: Use<D>
}

// ---------------------------------------------------------------------------------------------
// The kernel as plugins see it

export interface ResolvedConfig {
  dev: boolean
  migrateOnBoot: boolean
  runtime: RuntimeInfo
  bodyLimit: number
  bootTimeoutMs: number
  name: string
}

export interface PluginInfo {
  name: string
  version: string
  kernel: string | null
  requires: string[]
  optional: string[]
  provides: string[]
  migrations: string[]
}

/** What a route does to data: `read` routes change nothing; `write` routes are refused to read-only principals. */
export type RouteEffect = 'read' | 'write'

export interface RouteInfo {
  plugin: string
  method: string
  path: string
  /** What the route does to data; `write` routes are refused to read-only principals. */
  effect: RouteEffect
  summary?: string
}

/**
 * The kernel once it has booted, without its service registry: plugin code reaches services
 * through its scoped `use(token)` only.
 */
export interface KernelHandle {
  readonly version: string
  readonly config: ResolvedConfig
  contributions<T>(point: ExtensionPoint<T>): T[]
  readonly tools: ToolRegistry
  readonly events: EventBus
  /** Plugins in boot order. */
  plugins(): PluginInfo[]
  routes(): RouteInfo[]
}

// ---------------------------------------------------------------------------------------------
// Requests

/** The per-request context every route and mounted sub-app receives. */
export interface RequestContext<D extends Deps = AnyDeps> extends Scope<D> {
  requestId: string
  logger: LoggerAdapter
  workspace: string
  principal: Principal
  /** The client's IP address as the runtime sees it (the socket peer; not X-Forwarded-For), or null. */
  clientAddress: string | null
  kernel: KernelHandle
  /** Keeps the runtime alive for background work after the response (Workers' waitUntil). */
  waitUntil(promise: Promise<unknown>): void
}

// ---------------------------------------------------------------------------------------------
// Events

/** A typed event name: `defineEvent<Payload>('items.created')`. */
export interface EventDefinition<P> {
  readonly kind: 'event'
  readonly name: string
  /** Phantom field carrying the payload type; never set at runtime. */
  readonly __payload?: P
}

/** An event as hooks and emitters name it: a typed definition, or a bare name (payload unknown). */
export type EventKey<P> = EventDefinition<P> | string

/** The payload type of an event definition. */
export type PayloadOf<E> = E extends EventDefinition<infer P> ? P : unknown

/** Who caused an event. A RequestContext or ToolContext can be passed as it is. */
export interface EventMeta {
  workspace: string
  principal: Principal
  requestId?: string
  /** Keeps the runtime alive for action hooks after the response (Workers); from the request. */
  waitUntil?: (promise: Promise<unknown>) => void
}

/** What a hook receives besides the payload: the event's meta, the hooking plugin's scope. */
export interface HookContext<D extends Deps = AnyDeps> extends Scope<D> {
  workspace: string
  principal: Principal
  requestId?: string
  logger: LoggerAdapter
  kernel: KernelHandle
}

/** Returns the changed payload (or nothing to keep it); throws a BacklexError to reject. */
export type FilterHook<P = unknown, D extends Deps = AnyDeps> = (
  payload: P,
  ctx: HookContext<D>,
) => P | undefined | Promise<P | undefined>
export type ActionHook<P = unknown, D extends Deps = AnyDeps> = (
  payload: P,
  ctx: HookContext<D>,
) => void | Promise<void>

export interface EventBus {
  /** Runs the filter hooks of `event` in registration order; resolves to the final payload. */
  filter<P>(event: EventKey<P>, payload: P, meta: EventMeta): Promise<P>
  /** Schedules the action hooks of `event`; returns at once. */
  emit<P>(event: EventKey<P>, payload: P, meta: EventMeta): void
  /** Whether any hook listens to `event` (lets a writer skip building a payload). */
  has(event: EventKey<unknown>, kind: 'filter' | 'action'): boolean
  /** Resolves when every action scheduled so far has finished (tests, graceful shutdown). */
  settled(): Promise<void>
}

// ---------------------------------------------------------------------------------------------
// Tools

/**
 * What a tool does to data: `read` changes nothing, `write` creates or changes,
 * `destructive` deletes or overwrites, `admin` needs an admin principal.
 */
export type ToolAnnotation = 'read' | 'write' | 'destructive' | 'admin'

/** Who calls a tool, as a surface (MCP, agents, the admin) knows it. */
export interface ToolCaller {
  principal: Principal
  workspace: string
  requestId?: string
  /** The caller's network address, when the surface that called the tool knows it. */
  clientAddress?: string | null
}

export interface ToolContext<D extends Deps = AnyDeps> extends ToolCaller, Scope<D> {
  kernel: KernelHandle
  logger: LoggerAdapter
}

export interface ToolDefinition<I extends z.ZodType = z.ZodType, O = unknown> {
  /** Unique, `^[a-z][a-z0-9_.-]*$`, e.g. `items.list`. */
  name: string
  /** What it does and returns, in words an agent can act on. */
  description: string
  input: I
  annotation: ToolAnnotation
  handler(ctx: ToolContext, input: z.output<I>): Promise<O> | O
}

export interface ToolInfo {
  name: string
  description: string
  annotation: ToolAnnotation
  plugin: string
  /** JSON Schema (draft 2020-12) of the input, from the zod schema. */
  inputSchema: Record<string, unknown>
}

export interface ToolRegistry {
  list(): ToolInfo[]
  get(name: string): (ToolDefinition & { plugin: string }) | undefined
  /**
   * Validates `input` and runs the tool as `caller.principal`, in the scope of the plugin that
   * registered it. Admin tools need an admin; a read-only principal may run only `read` tools,
   * and a tool allowlist (API-key scopes) is enforced.
   */
  call(name: string, input: unknown, caller: ToolCaller): Promise<unknown>
}
