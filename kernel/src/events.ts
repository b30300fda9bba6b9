// Events: `filter` hooks run inside an operation and may change or reject its payload;
// `action` hooks run after commit, in the background, and never block or fail the caller.
import type { LoggerAdapter } from './contracts/logger.js'
import type { KernelHandle } from './kernel-handle.js'
import type { Principal } from './principal.js'

/** Who caused an event. A RequestContext or ToolContext can be passed as it is. */
export interface EventMeta {
  workspace: string
  principal: Principal
  requestId?: string
  /** Keeps the runtime alive for action hooks after the response (Workers); from the request. */
  waitUntil?: (promise: Promise<unknown>) => void
}

/** What a hook receives besides the payload: the event's meta and the kernel, for services. */
export interface HookContext extends EventMeta {
  kernel: KernelHandle
}

/** Returns the changed payload (or nothing to keep it); throws a BacklexError to reject. */
export type FilterHook<P = unknown> = (
  payload: P,
  ctx: HookContext,
) => P | undefined | Promise<P | undefined>
export type ActionHook<P = unknown> = (payload: P, ctx: HookContext) => void | Promise<void>

export interface EventBus {
  /** Runs the filter hooks of `event` in registration order; resolves to the final payload. */
  filter<P>(event: string, payload: P, meta: EventMeta): Promise<P>
  /** Schedules the action hooks of `event`; returns at once. */
  emit(event: string, payload: unknown, meta: EventMeta): void
  /** Resolves when every action scheduled so far has finished (tests, graceful shutdown). */
  settled(): Promise<void>
}

export interface EventRegistry {
  filters: Map<string, { plugin: string; hook: FilterHook<never> }[]>
  actions: Map<string, { plugin: string; hook: ActionHook<never> }[]>
}

export function createEventRegistry(): EventRegistry {
  return { filters: new Map(), actions: new Map() }
}

export function addHook<K extends 'filters' | 'actions'>(
  registry: EventRegistry,
  kind: K,
  event: string,
  entry: K extends 'filters'
    ? { plugin: string; hook: FilterHook<never> }
    : { plugin: string; hook: ActionHook<never> },
): void {
  const map = registry[kind] as Map<string, (typeof entry)[]>
  const list = map.get(event) ?? []
  list.push(entry)
  map.set(event, list)
}

export function createEventBus(
  registry: EventRegistry,
  logger: LoggerAdapter,
  kernel: () => KernelHandle,
): EventBus {
  const context = (meta: EventMeta): HookContext => ({
    workspace: meta.workspace,
    principal: meta.principal,
    ...(meta.requestId === undefined ? {} : { requestId: meta.requestId }),
    kernel: kernel(),
  })
  const pending = new Set<Promise<unknown>>()
  return {
    async filter<P>(event: string, payload: P, meta: EventMeta): Promise<P> {
      let current = payload
      const filters = registry.filters.get(event) ?? []
      if (filters.length === 0) return current
      const ctx = context(meta)
      for (const { hook } of filters) {
        const next = await (hook as unknown as FilterHook<P>)(current, ctx)
        if (next !== undefined) current = next
      }
      return current
    },
    emit(event, payload, meta) {
      const actions = registry.actions.get(event) ?? []
      if (actions.length === 0) return
      const ctx = context(meta)
      for (const { plugin, hook } of actions) {
        const run = Promise.resolve()
          .then(() => (hook as unknown as ActionHook<unknown>)(payload, ctx))
          .catch((error: unknown) =>
            logger.error('action hook failed', {
              event,
              plugin,
              error: error instanceof Error ? error.message : String(error),
            }),
          )
          .finally(() => pending.delete(run))
        pending.add(run)
        meta.waitUntil?.(run)
      }
    },
    async settled() {
      while (pending.size > 0) await Promise.all([...pending])
    },
  }
}
