// The contract of @backlex/collections (`@backlex/collections/contract`): its service tokens,
// typed events and the types other plugins use. Types only: no implementation is imported here.
import type { Principal, ServiceToken } from '@backlex/kernel'
import { defineEvent, defineService } from '@backlex/kernel'
import type { TableInspection } from './adopt/introspect.js'
import type { ItemsQuery } from './items/query/types.js'
import type { ListResult } from './items/read/list.js'
import type { Db, Item } from './items/read/select.js'
import type { Revision } from './revisions/read.js'
import type { CollectionDefinition, CollectionInput } from './schema/definition.js'
import type { CollectionPatch } from './schema/patch.js'
import type { CollectionView } from './schema/visible.js'

export type { InspectedColumn, InspectedForeignKey, TableInspection } from './adopt/introspect.js'
export type { DeepQuery, ItemsQuery, ItemsQueryInput } from './items/query/types.js'
export type { ListResult } from './items/read/list.js'
export type { Item } from './items/read/select.js'
export type { RevisionActivity } from './revisions/log.js'
export type { Revision } from './revisions/read.js'
export type {
  CollectionDefinition,
  CollectionInput,
  FieldDefinition,
  FieldType,
  PrimaryKeyDefinition,
  RelationDefinition,
} from './schema/definition.js'
export type { CollectionPatch } from './schema/patch.js'
export type { CollectionView, RelationView } from './schema/visible.js'

// ---------------------------------------------------------------------------------------------
// Collections: the schema

/** What a schema change was; sent to `onChange` listeners on every instance. */
export interface CollectionChange {
  workspace: string
  slug: string
  action: 'create' | 'update' | 'delete' | 'restore'
}

/** A table GET /api/admin/adopt/tables lists. */
export interface AdoptableTable {
  table: string
  /** The collection already wrapping it (possibly archived), if any. */
  adoptedAs: { workspace: string; slug: string } | null
  /** False when backlex cannot address the table by name (e.g. it has a dot or spaces). */
  supported: boolean
}

export interface CollectionsService {
  /** The collection, or undefined when it does not exist (archived ones only with `includeArchived`). */
  get(
    workspace: string,
    slug: string,
    options?: { includeArchived?: boolean },
  ): Promise<CollectionDefinition | undefined>
  list(workspace: string, options?: { includeArchived?: boolean }): Promise<CollectionDefinition[]>
  /**
   * The live collections as `principal` may see them: admins every definition; others only
   * collections they have a rule on, readable fields, relations to readable collections, and
   * no physical table names. What the collections tools and MCP resources show.
   * @example
   * const shown = await ctx.use(Collections).visibleTo(ctx.principal, ctx.workspace)
   */
  visibleTo(principal: Principal, workspace: string): Promise<CollectionView[]>
  /** Increases on every schema change in the workspace (on every instance, through PubSub). */
  version(workspace: string): Promise<number>
  /** Calls `listener` after every schema change, on every instance. Returns an unsubscribe. */
  onChange(listener: (event: CollectionChange) => void): () => void
  /**
   * Creates a managed collection (its table, in one transaction) or adopts an existing table.
   * @example
   * await collections.create('main', { slug: 'posts', fields: [{ name: 'title', type: 'string', required: true }] })
   */
  create(workspace: string, input: CollectionInput): Promise<CollectionDefinition>
  /** Adds fields, relations and indexes; drops need `confirm: true`. All or nothing. */
  update(workspace: string, slug: string, patch: CollectionPatch): Promise<CollectionDefinition>
  /** Managed: drops the table and its junction tables. Adopted: archives (the table stays). */
  remove(workspace: string, slug: string): Promise<{ slug: string; result: 'dropped' | 'archived' }>
  /** Un-archives an adopted collection. */
  restore(workspace: string, slug: string): Promise<CollectionDefinition>
  /** Tables of the database that could be adopted (not backlex_* system nor c_* managed tables). */
  adoptableTables(): Promise<AdoptableTable[]>
  /** Columns, mapped types, primary key and foreign keys of a table; TABLE_NOT_FOUND otherwise. */
  inspectTable(table: string): Promise<TableInspection>
}

/**
 * The collections of each workspace (`backlex.collections`).
 * @example
 * definePlugin({ requires: [Collections], register(ctx) { ... ctx.use(Collections).list('main') } })
 */
export const Collections: ServiceToken<CollectionsService> =
  defineService<CollectionsService>('backlex.collections')

// ---------------------------------------------------------------------------------------------
// Items: the engine under REST, GraphQL and MCP

/**
 * The limits of the items query language, the same for REST, realtime subscriptions, GraphQL
 * arguments and tools: a query beyond one is a 400 INVALID_QUERY naming the parameter. (A
 * filter's own limits, 10 levels, 500 conditions and 1000 list values, are @backlex/permissions'.)
 */
export const ITEMS_QUERY_LIMITS = {
  /** Parameters one query string may carry (`filter[a][_eq]=1` is one). */
  maxParameters: 500,
  /** Bracket segments of one parameter name (`filter[_or][0][a][_eq]` is 5). */
  maxBracketDepth: 16,
  /** Entries of one list: `fields`, `sort`, `groupBy`, `meta`, an aggregate's fields. */
  maxListEntries: 200,
  /** Characters of `search`. */
  maxSearchLength: 500,
  /** Levels of relations nested in `deep`. */
  maxDeepDepth: 8,
} as const

/** The aggregate functions of `aggregate[<function>]=<fields>`. */
export const AGGREGATE_FUNCTIONS = [
  'count',
  'countDistinct',
  'sum',
  'sumDistinct',
  'avg',
  'avgDistinct',
  'min',
  'max',
] as const
export type AggregateFunction = (typeof AGGREGATE_FUNCTIONS)[number]

/** The counts `meta` may ask for (`meta=*` asks for both). */
export const META_KEYS = ['total_count', 'filter_count'] as const
export type MetaKey = (typeof META_KEYS)[number]

/** The parameters of the items query language, in the order the docs list them. */
export const ITEMS_QUERY_PARAMETERS = [
  'fields',
  'filter',
  'search',
  'sort',
  'limit',
  'offset',
  'page',
  'meta',
  'aggregate',
  'groupBy',
  'deep',
] as const
export type ItemsQueryParameter = (typeof ITEMS_QUERY_PARAMETERS)[number]

/** Which parameters of a query string `fromSearchParams` reads. */
export interface ReadSearchParamsOptions {
  /** The parameters accepted here; any other is a 400 INVALID_QUERY ("not accepted here"). */
  only?: readonly string[] | undefined
  /** Parameters the caller reads itself (e.g. realtime's `lastEventId`): skipped, but counted. */
  ignore?: readonly string[] | undefined
}

/**
 * The one reader of the items query language. Both spellings (JSON values and brackets, lists
 * numbered or not, `null` in brackets as NULL) and one set of limits (`ITEMS_QUERY_LIMITS`);
 * what it throws is a 400 INVALID_QUERY (or INVALID_FILTER for a filter that is not an object)
 * naming the parameter's path. Fields are checked against a collection later, by the reads.
 */
export interface ItemsQueryReader {
  /**
   * Reads a URL query string (`URLSearchParams`, or the text after `?`).
   * @example
   * const query = ctx.use(Items).query.fromSearchParams(new URL(request.url).searchParams, {
   *   only: ['filter', 'fields'],
   *   ignore: ['lastEventId'],
   * })
   */
  fromSearchParams(params: URLSearchParams | string, options?: ReadSearchParamsOptions): ItemsQuery
  /**
   * Checks and normalizes a query given as an object (GraphQL arguments, tool input, a `{ query }`
   * body); values may also be the strings a URL would carry (`limit: '10'`, `filter: '{...}'`).
   * @example
   * ctx.use(Items).query.normalize({ fields: ['id', 'title'], sort: '-views', limit: 10 })
   */
  normalize(raw: Readonly<Record<string, unknown>>): ItemsQuery
}

/** Key of an item as the database returns it: a number for integer keys, else a string. */
export type ItemKey = string | number

/** Who is asking: a request context or a tool context can be passed as it is. */
export interface ItemsCaller {
  principal: Principal
  workspace: string
  requestId?: string | undefined
  clientAddress?: string | null | undefined
  waitUntil?: ((promise: Promise<unknown>) => void) | undefined
}

/** Which items a batch names: `{ keys }` or `{ query: { filter, search } }`. */
export type BatchSelection =
  | { keys: readonly unknown[] }
  | { query: { filter?: Record<string, unknown> | undefined; search?: string | undefined } }

/** The fields (and nested queries) a write returns its items with. */
export type ItemsShape = Partial<Pick<ItemsQuery, 'fields' | 'deep'>>

export interface ItemsRuntime {
  /** The query language: what `list`, `get` and the writes' `shape` take, read from a URL or an object. */
  readonly query: ItemsQueryReader
  list(caller: ItemsCaller, slug: string, query: ItemsQuery): Promise<ListResult>
  get(caller: ItemsCaller, slug: string, key: unknown, query: ItemsQuery): Promise<Item>
  /** Creates one item (an object) or several (an array), atomically; returns them as the caller reads them. */
  create(
    caller: ItemsCaller,
    slug: string,
    input: unknown,
    shape?: ItemsShape,
  ): Promise<Item | Item[]>
  update(
    caller: ItemsCaller,
    slug: string,
    key: unknown,
    data: unknown,
    shape?: ItemsShape,
  ): Promise<Item>
  updateMany(
    caller: ItemsCaller,
    slug: string,
    selection: BatchSelection,
    data: unknown,
    shape?: ItemsShape,
  ): Promise<Item[]>
  delete(caller: ItemsCaller, slug: string, key: unknown): Promise<void>
  deleteMany(caller: ItemsCaller, slug: string, selection: BatchSelection): Promise<ItemKey[]>
  revisions(
    caller: ItemsCaller,
    slug: string,
    key: string,
    page: { limit: number; offset: number },
  ): Promise<Revision[]>
  revert(caller: ItemsCaller, revision: string, shape?: ItemsShape): Promise<Item>
}

/**
 * The items engine as a service (`backlex.items`), for plugins that serve items over other
 * transports (GraphQL, MCP): the same permission checks, events and audit trail as the REST API.
 * @example
 * const items = ctx.use(Items)
 * await items.list({ principal, workspace: 'main' }, 'articles', items.query.normalize({ sort: '-views' }))
 */
export const Items: ServiceToken<ItemsRuntime> = defineService<ItemsRuntime>('backlex.items')

// ---------------------------------------------------------------------------------------------
// Items events. Filter hooks (`items.create`, `items.update`, `items.delete`) run inside the
// transaction before the write and may change the payload or throw to reject it;
// `items.committing` runs inside the transaction after the rows, revisions and activity are
// written (an outbox: what it writes commits or rolls back with them); action hooks
// (`items.created`, `items.updated`, `items.deleted`) run after commit.

/** `items.create` filter payload: the new items' values (API form), presets applied. */
export interface ItemsCreatePayload {
  workspace: string
  collection: string
  items: Record<string, unknown>[]
}

/** `items.update` filter payload: the keys being changed and the values written to each. */
export interface ItemsUpdatePayload {
  workspace: string
  collection: string
  keys: ItemKey[]
  data: Record<string, unknown>
}

/** `items.delete` filter payload. */
export interface ItemsDeletePayload {
  workspace: string
  collection: string
  keys: ItemKey[]
}

/**
 * `items.created` / `items.updated` / `items.deleted` action payload. `before` and `after` are
 * the full rows in API form (every field, whatever the caller could read: subscribers filter
 * them by their own permissions), in the order of `keys`.
 */
export interface ItemsChangedEvent {
  workspace: string
  collection: string
  keys: ItemKey[]
  before?: Item[]
  after?: Item[]
}

/**
 * `items.committing` filter payload: the change about to commit and the transaction's handle.
 * Hooks write what must commit with the change (an event log, an outbox) through `db`; throwing
 * rolls the whole write back. `event` is the very object the action event carries after commit,
 * so a hook can recognise its own change there. On databases without transactions (D1) it runs
 * right after the write, with the plain database handle.
 * @example
 * ctx.on.filter(ItemsCommitting, async ({ event, db }) => {
 *   await db.insertInto('outbox').values({ keys: JSON.stringify(event.keys) }).execute()
 * })
 */
export interface ItemsCommittingPayload {
  action: 'create' | 'update' | 'delete'
  event: ItemsChangedEvent
  /** The write's transaction (or the database itself where there are no transactions). */
  db: Db
  /** False when `db` is not a transaction (D1): the write has already happened. */
  transaction: boolean
}

/**
 * Before items are created (filter): change `items` or throw to reject the write.
 * @example
 * ctx.on.filter(ItemsCreate, (payload) => ({ ...payload, items: payload.items.map(stamp) }))
 */
export const ItemsCreate = defineEvent<ItemsCreatePayload>('items.create')
/** Before items are updated (filter): change `data` or `keys`, or throw to reject the write. */
export const ItemsUpdate = defineEvent<ItemsUpdatePayload>('items.update')
/** Before items are deleted (filter): narrow `keys` or throw to reject the delete. */
export const ItemsDelete = defineEvent<ItemsDeletePayload>('items.delete')
/** Inside the write's transaction, after the rows are written (filter; an outbox). */
export const ItemsCommitting = defineEvent<ItemsCommittingPayload>('items.committing')
/**
 * After items were created and committed (action).
 * @example
 * ctx.on.action(ItemsCreated, (event, hook) => hook.logger.info('created', { keys: event.keys }))
 */
export const ItemsCreated = defineEvent<ItemsChangedEvent>('items.created')
/** After items were updated and committed (action). */
export const ItemsUpdated = defineEvent<ItemsChangedEvent>('items.updated')
/** After items were deleted and committed (action). */
export const ItemsDeleted = defineEvent<ItemsChangedEvent>('items.deleted')
