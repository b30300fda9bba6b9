// Subscription resolvers: `<collection>Changes` subscribes the caller through the Realtime
// service (its read rules, its filter, per event, in process), and each change's `data` is the
// row as that caller may read it, with relations read through the items engine as the caller
// is now (its roles may have changed since it subscribed).
import { isBacklexError, type Principal } from '@backlex/kernel'
import type { GraphQLFieldResolver } from 'graphql'
import type { GraphQLContext } from '../contract.js'
import { GraphQLErrors } from '../errors.js'
import type { Item } from '../items-service.js'
import { type ItemChange, type ItemChangeStream, Realtime } from '../realtime.js'
import { toItemsFilter } from './filter.js'
import { scopeOf } from './resolvers.js'
import { itemsShape } from './selection.js'

/** What a subscription field yields per event: the change, and who the caller is now. */
export interface ChangePayload {
  change: ItemChange
  principal: Principal
}

type Args = Record<string, unknown>

/** The changes as payloads; ending the payloads ends the subscription. */
function payloads(changes: ItemChangeStream): AsyncIterableIterator<ChangePayload> {
  return {
    async next() {
      const step = await changes.next()
      if (step.done) return { value: undefined, done: true }
      return { value: { change: step.value, principal: changes.principal }, done: false }
    },
    async return() {
      await changes.return()
      return { value: undefined, done: true }
    },
    async throw(error?: unknown) {
      await changes.return()
      throw error
    },
    [Symbol.asyncIterator]() {
      return this
    },
  }
}

/**
 * The `subscribe` of `<slug>Changes`: throws the Realtime service's errors (FORBIDDEN,
 * INVALID_FILTER, ...) before anything streams, which GraphQL answers as one result.
 * @example
 * subscription[`${slug}Changes`] = { type, args, subscribe: changesSubscriber(slug), resolve: (p) => p }
 */
export function changesSubscriber(
  slug: string,
): GraphQLFieldResolver<unknown, GraphQLContext, Args, Promise<AsyncIterable<ChangePayload>>> {
  return async (_root, args, context) => {
    const realtime = context.request.use(Realtime)
    if (!realtime) throw GraphQLErrors.SUBSCRIPTIONS_UNAVAILABLE()
    const { workspace, principal } = context.request
    const filter = args.filter ? toItemsFilter(context.view, slug, args.filter as Args) : undefined
    const request = context.httpRequest
    // The signal covers a client gone before its response is read (the response's cancel
    // covers one that leaves later).
    const changes = await realtime.subscribeItems({ workspace, principal, request }, slug, {
      ...(filter ? { filter } : {}),
      signal: request.signal,
    })
    return payloads(changes)
  }
}

/**
 * The `data` of a change: the event's row (already limited to what the caller may read on it);
 * when relations are selected, one items read by key as the caller fills them in.
 */
export function changeDataResolver(
  slug: string,
): GraphQLFieldResolver<ChangePayload, GraphQLContext, Args, Promise<Item | null>> {
  return async ({ change, principal }, _args, context, info) => {
    const row = change.data
    if (!row) return null
    const def = context.view.collections.get(slug)?.definition
    const shape = itemsShape(info.fieldNodes, slug, scopeOf(info, context))
    const related = shape.fields.filter((field) => field.includes('.'))
    if (!def || related.length === 0) return row
    let loaded: Item | null = null
    try {
      loaded = await context.items.get({ ...context.request, principal }, slug, change.key, {
        meta: [],
        fields: [def.primaryKey.name, ...related],
        deep: shape.deep,
      })
    } catch (error) {
      // Gone or out of view since the event: its relations are empty.
      if (!isBacklexError(error) || error.code !== 'ITEM_NOT_FOUND') throw error
    }
    const out: Record<string, unknown> = { ...row }
    for (const name of new Set(related.map((field) => field.slice(0, field.indexOf('.'))))) {
      const many = def.relations.find((r) => r.field === name)?.type !== 'm2o'
      out[name] = loaded?.[name] ?? (many ? [] : null)
    }
    return out
  }
}
