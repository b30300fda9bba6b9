// Events: `filter` hooks run inside an operation and may change or reject its payload;
// `action` hooks run after commit, in the background, and never block or fail the caller.
// Each hook runs in the scope of the plugin that registered it.
import type { LoggerAdapter } from './contracts/logger.js'
import type {
  ActionHook,
  EventBus,
  EventDefinition,
  EventKey,
  EventMeta,
  FilterHook,
  HookContext,
  KernelHandle,
  Scope,
} from './plugin-api.js'

export type {
  ActionHook,
  EventBus,
  EventDefinition,
  EventKey,
  EventMeta,
  FilterHook,
  HookContext,
  PayloadOf,
} from './plugin-api.js'

const EVENT_NAME = /^[a-z][a-z0-9._-]*$/i

/**
 * Declares a typed event; hooks on it and emits of it are checked against `P`.
 * @example
 * export const GreetingCreated = defineEvent<{ id: string; name: string }>('hello.created')
 * // the owner:  ctx.kernel.events.emit(GreetingCreated, { id, name }, ctx)
 * // a listener: ctx.on.action(GreetingCreated, (greeting, hook) => hook.logger.info(greeting.name))
 */
export function defineEvent<P>(name: string): EventDefinition<P> {
  if (!EVENT_NAME.test(name)) throw new TypeError(`Invalid event name "${name}"`)
  return { kind: 'event', name }
}

/** The name of an event given as a definition or a bare name. */
export const eventName = (event: EventKey<unknown>): string =>
  typeof event === 'string' ? event : event.name

interface HookEntry<H> {
  plugin: string
  hook: H
}

export interface EventRegistry {
  filters: Map<string, HookEntry<FilterHook<never>>[]>
  actions: Map<string, HookEntry<ActionHook<never>>[]>
}

export function createEventRegistry(): EventRegistry {
  return { filters: new Map(), actions: new Map() }
}

export function addHook<K extends 'filters' | 'actions'>(
  registry: EventRegistry,
  kind: K,
  event: EventKey<unknown>,
  entry: K extends 'filters' ? HookEntry<FilterHook<never>> : HookEntry<ActionHook<never>>,
): void {
  const map = registry[kind] as Map<string, (typeof entry)[]>
  const name = eventName(event)
  const list = map.get(name) ?? []
  list.push(entry)
  map.set(name, list)
}

export interface EventBusOptions {
  logger: LoggerAdapter
  kernel: () => KernelHandle
  /** The scope of a plugin, for the hooks it registered. */
  scope: (plugin: string) => Scope
}

export function createEventBus(registry: EventRegistry, options: EventBusOptions): EventBus {
  const { logger } = options
  const loggers = new Map<string, LoggerAdapter>()
  const loggerOf = (plugin: string): LoggerAdapter => {
    let child = loggers.get(plugin)
    if (child === undefined) {
      child = logger.child({ plugin })
      loggers.set(plugin, child)
    }
    return child
  }
  const context = (meta: EventMeta, plugin: string): HookContext => {
    const scope = options.scope(plugin)
    return {
      plugin,
      use: scope.use,
      workspace: meta.workspace,
      principal: meta.principal,
      ...(meta.requestId === undefined ? {} : { requestId: meta.requestId }),
      logger: loggerOf(plugin),
      kernel: options.kernel(),
    }
  }
  const pending = new Set<Promise<unknown>>()
  return {
    async filter<P>(event: EventKey<P>, payload: P, meta: EventMeta): Promise<P> {
      let current = payload
      const filters = registry.filters.get(eventName(event))
      if (filters === undefined) return current
      for (const { plugin, hook } of filters) {
        const next = await (hook as unknown as FilterHook<P>)(current, context(meta, plugin))
        if (next !== undefined) current = next
      }
      return current
    },
    emit(event, payload, meta) {
      const name = eventName(event)
      const actions = registry.actions.get(name)
      if (actions === undefined) return
      for (const { plugin, hook } of actions) {
        const run = Promise.resolve()
          .then(() => (hook as unknown as ActionHook<unknown>)(payload, context(meta, plugin)))
          .catch((error: unknown) =>
            logger.error('action hook failed', {
              event: name,
              plugin,
              error: error instanceof Error ? error.message : String(error),
            }),
          )
          .finally(() => pending.delete(run))
        pending.add(run)
        meta.waitUntil?.(run)
      }
    },
    has(event, kind) {
      const map = kind === 'filter' ? registry.filters : registry.actions
      return map.has(eventName(event))
    },
    async settled() {
      while (pending.size > 0) await Promise.all([...pending])
    },
  }
}

/**
 * An event another package defines, by name and typed from that package's contract through
 * `import type` (see `serviceRef`): hooks on it work whether or not that package is installed.
 * @example
 * import type { ItemsCreated as ItemsCreatedEvent } from '@backlex/collections/contract'
 * const ItemsCreated = eventRef<typeof ItemsCreatedEvent>('items.created')
 */
export function eventRef<Event extends EventDefinition<unknown>>(name: string): Event {
  return defineEvent(name) as Event
}
