// Items subscriptions: checks the caller may read the collection, reads its filter and fields
// (which must name readable fields), then joins the channel with an SSE response
// (GET /api/realtime/items:<collection>/subscribe) or an in-process sink (items/changes.ts).
import type { Principal, RequestContext } from '@backlex/kernel'
import {
  type CollectionFilterSchema,
  compileMatcher,
  type FilterNode,
  fieldVisibility,
  isAdmin,
  parseFilter,
  type RowPredicate,
} from '@backlex/permissions'
import type { Caller } from '../credentials.js'
import { RealtimeErrors } from '../errors.js'
import type { RealtimeRuntime } from '../runtime.js'
import type { ItemsSubscriber, StreamSink } from '../subscriber.js'
import { createItemsDelivery } from './delivery.js'
import { readSubscriptionQuery, resumePosition, type SubscriptionQuery } from './query.js'

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

/** A checked items subscription: what to match and send, and how to deliver it. */
export interface ItemsSubscription {
  channel: string
  filter: RowPredicate | null
  fields: string[] | null
  delivery: ReturnType<typeof createItemsDelivery>
}

/**
 * Checks that `principal` may subscribe to `collection` with the query `readQuery` returns (read
 * only once the caller is known to read the collection, so a stranger learns nothing from it).
 * Throws the RealtimeErrors the route answers with; the SSE route and `Realtime.subscribeItems`
 * share it.
 * @example
 * const checked = await prepareItemsSubscription(runtime, 'main', principal, 'posts', () => ({ fields: ['id'] }))
 */
export async function prepareItemsSubscription(
  runtime: RealtimeRuntime,
  workspace: string,
  principal: Principal,
  collection: string,
  readQuery: () => SubscriptionQuery,
): Promise<ItemsSubscription> {
  const { permissions, collections, database, logger } = runtime.deps
  const channel = `items:${collection}`
  if (!permissions) throw RealtimeErrors.CHANNEL_UNAVAILABLE(channel, '@backlex/permissions')
  const info = await schemaOf(runtime, workspace, collection)
  // A collection that does not exist and one the caller may not read get the same answer, as
  // from the items API: only admins learn that it is missing.
  if (!info && isAdmin(principal)) throw RealtimeErrors.COLLECTION_NOT_FOUND(collection)
  const rules = info
    ? await permissions.rulesFor(principal, { workspace, collection, action: 'read' })
    : null
  if (!info || !rules) {
    throw principal.type === 'anonymous'
      ? RealtimeErrors.UNAUTHORIZED(`Sign in to subscribe to "${collection}".`)
      : RealtimeErrors.FORBIDDEN(`You may not read "${collection}".`)
  }
  const primaryKey = (await collections?.get(workspace, collection))?.primaryKey.name ?? 'id'
  const dialect = database.dialect
  const query = readQuery()

  for (const field of query.fields ?? []) {
    if (!Object.hasOwn(info.schema, field)) {
      throw RealtimeErrors.INVALID_QUERY('fields', `"${collection}" has no field "${field}"`)
    }
    if (fieldVisibility(rules, field, { primaryKey, dialect }).kind === 'none') {
      throw RealtimeErrors.FIELD_FORBIDDEN(field, 'fields')
    }
  }
  let filter: RowPredicate | null = null
  if (query.filter !== undefined) {
    // No relation resolver: related rows are not part of an event, so relational filters could
    // never match in process; they are refused as unknown fields instead of silently failing.
    const ast = parseFilter(query.filter, info.schema, { path: 'filter', collection })
    for (const field of fieldsOf(ast)) {
      if (fieldVisibility(rules, field, { primaryKey, dialect }).kind === 'none') {
        throw RealtimeErrors.FIELD_FORBIDDEN(field, 'filter')
      }
    }
    filter = compileMatcher(ast, { dialect })
  }
  const delivery = createItemsDelivery(
    { permissions, dialect, logger },
    { workspace, collection, primaryKey },
  )
  return { channel, filter, fields: query.fields ?? null, delivery }
}

/**
 * Joins the channel of a checked subscription with `sink` as the subscriber, the caller kept
 * current from `request`'s credentials. Resolves to that caller once joined: every later event
 * reaches the sink.
 */
export async function joinItems(
  runtime: RealtimeRuntime,
  request: Request,
  workspace: string,
  principal: Principal,
  checked: ItemsSubscription,
  sink: StreamSink,
  resumeAfter: number | undefined,
): Promise<Caller> {
  const owner = { end: (code: string, message: string) => sink.close({ code, message }) }
  const caller = runtime.callers.acquire(request, workspace, principal, owner)
  sink.onEnd(() => caller.release(owner))
  const subscriber: ItemsSubscriber = {
    connection: sink,
    caller,
    filter: checked.filter,
    fields: checked.fields,
    fieldsKey: checked.fields?.join(',') ?? '*',
  }
  try {
    await runtime.join({
      workspace,
      channel: checked.channel,
      subscriber,
      resumeAfter,
      delivery: checked.delivery,
    })
  } catch (error) {
    sink.close()
    throw error
  }
  return caller
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
  const { workspace, principal } = ctx
  const params = new URL(request.url).searchParams
  const checked = await prepareItemsSubscription(runtime, workspace, principal, collection, () =>
    readSubscriptionQuery(runtime.deps.items?.query, `items:${collection}`, params),
  )
  const resumeAfter = resumePosition(request, params)
  const connection = runtime.openConnection()
  await joinItems(runtime, request, workspace, principal, checked, connection, resumeAfter)
  return connection.response
}
