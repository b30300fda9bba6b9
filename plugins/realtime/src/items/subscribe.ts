// GET /api/realtime/items:<collection>/subscribe: checks the caller may read the collection,
// reads its filter and fields (which must name readable fields), then joins the channel.
import type { RequestContext } from '@backlex/kernel'
import {
  type CollectionFilterSchema,
  compileMatcher,
  type FilterNode,
  parseFilter,
  type RowPredicate,
} from '@backlex/permissions'
import { RealtimeErrors } from '../errors.js'
import type { RealtimeRuntime } from '../runtime.js'
import type { ItemsSubscriber } from '../subscriber.js'
import { fieldVisibility } from './access.js'
import { createItemsDelivery } from './delivery.js'
import { readSubscriptionQuery, resumePosition } from './query.js'

async function schemaOf(
  runtime: RealtimeRuntime,
  workspace: string,
  collection: string,
): Promise<CollectionFilterSchema | undefined> {
  for (const source of runtime.deps.schemaSources()) {
    const found = await source(workspace, collection)
    if (found) return found
  }
  return undefined
}

function fieldsOf(node: FilterNode, into: Set<string> = new Set()): Set<string> {
  if (node.kind === 'condition') into.add(node.field)
  else if (node.kind === 'relation') into.add(node.field)
  else for (const child of node.children) fieldsOf(child, into)
  return into
}

/**
 * Opens an items stream for the request's caller.
 * @example
 * // GET /api/realtime/items:posts/subscribe?filter[status][_eq]=published&fields=id,title
 */
export async function subscribeItems(
  runtime: RealtimeRuntime,
  ctx: RequestContext,
  request: Request,
  collection: string,
): Promise<Response> {
  const { permissions, collections, database, logger } = runtime.deps
  const channel = `items:${collection}`
  if (!permissions) throw RealtimeErrors.CHANNEL_UNAVAILABLE(channel, '@backlex/permissions')
  const { workspace, principal } = ctx
  const info = await schemaOf(runtime, workspace, collection)
  if (!info) throw RealtimeErrors.COLLECTION_NOT_FOUND(collection)
  const rules = await permissions.rulesFor(principal, { workspace, collection, action: 'read' })
  if (!rules) {
    throw principal.type === 'anonymous'
      ? RealtimeErrors.UNAUTHORIZED(`Sign in to subscribe to "${collection}".`)
      : RealtimeErrors.FORBIDDEN(`You may not read "${collection}".`)
  }
  const primaryKey = (await collections?.get(workspace, collection))?.primaryKey.name ?? 'id'
  const dialect = database.dialect
  const params = new URL(request.url).searchParams
  const query = readSubscriptionQuery(params)

  for (const field of query.fields ?? []) {
    if (!Object.hasOwn(info.schema, field)) {
      throw RealtimeErrors.INVALID_QUERY('fields', `"${collection}" has no field "${field}"`)
    }
    if (fieldVisibility(rules, field, primaryKey, dialect).kind === 'none') {
      throw RealtimeErrors.FIELD_FORBIDDEN(field, 'fields')
    }
  }
  let filter: RowPredicate | null = null
  if (query.filter !== undefined) {
    // No relation resolver: related rows are not part of an event, so relational filters could
    // never match in process; they are refused as unknown fields instead of silently failing.
    const ast = parseFilter(query.filter, info.schema, { path: 'filter', collection })
    for (const field of fieldsOf(ast)) {
      if (fieldVisibility(rules, field, primaryKey, dialect).kind === 'none') {
        throw RealtimeErrors.FIELD_FORBIDDEN(field, 'filter')
      }
    }
    filter = compileMatcher(ast, { dialect })
  }
  const resumeAfter = resumePosition(request, params)

  const connection = runtime.openConnection()
  const owner = { end: (code: string, message: string) => connection.close({ code, message }) }
  const caller = runtime.callers.acquire(request, workspace, principal, owner)
  connection.onEnd(() => caller.release(owner))
  const subscriber: ItemsSubscriber = {
    connection,
    caller,
    filter,
    fields: query.fields ?? null,
    fieldsKey: query.fields?.join(',') ?? '*',
  }
  const delivery = createItemsDelivery(
    { permissions, dialect, logger },
    { workspace, collection, primaryKey },
  )
  try {
    await runtime.join({ workspace, channel, subscriber, resumeAfter, delivery })
  } catch (error) {
    connection.close()
    throw error
  }
  return connection.response
}
