// Events: `filter` hooks run inside an operation and may change or reject its payload;
// `action` hooks run after commit, in the background, and never block or fail the caller.
import type { LoggerAdapter } from './contracts/logger.js'
import type { Principal } from './principal.js'

export interface EventMeta {
  workspace: string
  principal: Principal
  requestId?: string
}

/** Returns the changed payload (or nothing to keep it); throws a BacklexError to reject. */
export type FilterHook<P = unknown> = (
  payload: P,
  meta: EventMeta,
) => P | undefined | Promise<P | undefined>
export type ActionHook<P = unknown> = (payload: P, meta: EventMeta) => void | Promise<void>

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
  waitUntil: (promise: Promise<unknown>) => void = () => {},
): EventBus {
  const pending = new Set<Promise<unknown>>()
  return {
    async filter<P>(event: string, payload: P, meta: EventMeta): Promise<P> {
      let current = payload
      for (const { hook } of registry.filters.get(event) ?? []) {
        const next = await (hook as unknown as FilterHook<P>)(current, meta)
        if (next !== undefined) current = next
      }
      return current
    },
    emit(event, payload, meta) {
      for (const { plugin, hook } of registry.actions.get(event) ?? []) {
        const run = Promise.resolve()
          .then(() => (hook as unknown as ActionHook<unknown>)(payload, meta))
          .catch((error: unknown) =>
            logger.error('action hook failed', {
              event,
              plugin,
              error: error instanceof Error ? error.message : String(error),
            }),
          )
          .finally(() => pending.delete(run))
        pending.add(run)
        waitUntil(run)
      }
    },
    async settled() {
      while (pending.size > 0) await Promise.all([...pending])
    },
  }
}
