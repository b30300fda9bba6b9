// The items half of @backlex/collections: the items REST API and query language, revisions and
// activity, and the items.* tools. Registered by the plugin through `registerItems`.
import type { KernelHandle, RegisterContext } from '@backlex/kernel'
import { auditRoutes } from './audit/routes.js'
import type { ItemsOptions } from './options.js'
import { itemRoutes } from './routes.js'
import { createItemsRuntime, Items, type ItemsRuntime } from './service.js'
import { itemTools } from './tools.js'

export { ACTIVITY_TABLE, itemsMigrations, REVISIONS_TABLE } from './audit/migrations.js'
export type { Activity, ActivityQuery, Revision } from './audit/read.js'
export { type ItemsErrorCode, ItemsErrors } from './errors.js'
export { type ItemsOptions, type ItemsOptionsInput, itemsOptions } from './options.js'
export { normalizeQuery } from './query/normalize.js'
export {
  AGGREGATE_FUNCTIONS,
  type AggregateFunction,
  type DeepQuery,
  type ItemsQuery,
  type ItemsQueryInput,
  itemsQueryInput,
  META_KEYS,
} from './query/types.js'
export { readQueryString } from './query/url.js'
export type { Item } from './read/select.js'
export {
  type BatchSelection,
  createItemsRuntime,
  Items,
  type ItemsCaller,
  type ItemsRuntime,
} from './service.js'
export {
  ITEM_EVENTS,
  type ItemKey,
  type ItemsChangedEvent,
  type ItemsCommittingPayload,
  type ItemsCreatePayload,
  type ItemsDeletePayload,
  type ItemsUpdatePayload,
} from './write/events.js'

/**
 * Registers the items routes, tools and the `Items` service on the collections plugin, with the
 * limits of `collections({ items: { ... } })`. Each kernel gets its own runtime, built on first use.
 * @example
 * register(ctx, options) { registerItems(ctx, options.items) }
 */
export function registerItems(ctx: RegisterContext, settings: ItemsOptions): void {
  let runtime: ItemsRuntime | undefined
  let owner: KernelHandle | undefined
  const runtimeOf = (kernel: KernelHandle): ItemsRuntime => {
    if (!runtime || owner !== kernel) {
      runtime = createItemsRuntime(kernel, settings)
      owner = kernel
    }
    return runtime
  }
  ctx.provide(Items, (boot) => runtimeOf(boot.kernel))
  for (const route of itemRoutes((c) => runtimeOf(c.kernel))) ctx.route(route)
  for (const route of auditRoutes((c) => runtimeOf(c.kernel))) ctx.route(route)
  for (const tool of itemTools(runtimeOf)) ctx.tool(tool)
}
