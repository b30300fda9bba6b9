// Reading the audit trail: an item's revisions (only the fields the caller may read, only for
// items it may read, who made each change only for admins and the change's own author),
// reverting to one, and the activity log (admins: all; others: their own).
import type { Principal } from '@backlex/kernel'
import { isAdmin } from '@backlex/permissions'
import { sql } from 'kysely'
import { ItemsErrors } from '../items/errors.js'
import { parseKey } from '../items/model/keys.js'
import type { CollectionModel } from '../items/model/model.js'
import { allOf, type Db, type Item } from '../items/read/select.js'
import type { ItemsScope } from '../items/scope.js'
import { fullRows, type Key, keyList } from '../items/write/context.js'
import { ActivityErrors } from './errors.js'
import { ACTIVITY_TABLE, REVISIONS_TABLE } from './migrations.js'

/** One entry of the activity log. */
export interface Activity {
  id: string
  /** Dot-namespaced: `item.create`, `item.update`, `item.delete`, `mcp.call`, ... */
  action: string
  /** null when the entry is about no collection (stored as ''). */
  collection: string | null
  /** null when the entry is about no item (stored as ''). */
  item: string | null
  principalType: string
  userId: string | null
  apiKeyId: string | null
  clientAddress: string | null
  requestId: string | null
  /** What the writer added, e.g. the tool and outcome of an `mcp.call`; null for item writes. */
  detail: Record<string, unknown> | null
  createdAt: string
}

export interface Revision {
  id: string
  collection: string
  item: string
  /** The item's values after the change (before it, for a delete). */
  data: Item | null
  /** What the change wrote; null for a delete. */
  delta: Item | null
  activity: Activity
  createdAt: string
}

const iso = (value: unknown) => (value instanceof Date ? value.toISOString() : String(value))
const parse = (value: unknown): Item | null => {
  if (value === null || value === undefined) return null
  if (typeof value === 'string') return JSON.parse(value) as Item
  return value as Item
}
const text = (value: unknown) => (value === null || value === undefined ? null : String(value))
/** '' stands for "none" in the NOT NULL collection and item columns (see the 0101 migration). */
const orNull = (value: unknown) => (value === '' ? null : text(value))

function toActivity(row: Record<string, unknown>, prefix = ''): Activity {
  const get = (name: string) => row[`${prefix}${name}`]
  return {
    id: String(get('id')),
    action: String(get('action')),
    collection: orNull(get('collection')),
    item: orNull(get('item')),
    principalType: String(get('principal_type')),
    userId: text(get('user_id')),
    apiKeyId: text(get('api_key_id')),
    clientAddress: text(get('client_address')),
    requestId: text(get('request_id')),
    detail: parse(get('detail')),
    createdAt: iso(get('created_at')),
  }
}

/** True when `principal` made the entry: the same user, or the same user-less API key. */
function madeBy(principal: Principal, activity: Activity): boolean {
  if (principal.type === 'anonymous') return false
  if (principal.userId !== null) return activity.userId === principal.userId
  return activity.principalType === principal.type && activity.apiKeyId === principal.id
}

/**
 * An entry as `principal` may see it: admins see who made every entry; anyone else sees who
 * made its own entries and nothing identifying on others' (no user, key, address or request).
 */
function shownTo(principal: Principal, activity: Activity): Activity {
  if (isAdmin(principal) || madeBy(principal, activity)) return activity
  return {
    ...activity,
    userId: null,
    apiKeyId: null,
    clientAddress: null,
    requestId: null,
    detail: null,
  }
}

/** Fields of the current item the caller may read, or undefined when it may not see the item. */
async function readableFields(db: Db, scope: ItemsScope, model: CollectionModel, key: Key) {
  const access = await scope.load(model.slug)
  if (!access) return undefined
  const where = [keyList(model, [key])]
  if (access.rows) where.push(access.rows.toSql(access.variables, { table: model.table }))
  const [current] = await fullRows(db, model, where)
  if (!current) return access.admin ? new Set(model.columns.keys()) : undefined
  const fields = new Set<string>()
  for (const name of model.columns.keys()) {
    const visibility = access.visibility(name)
    if (visibility.kind === 'all') fields.add(name)
    // Relational rules cannot be checked on a flat row: the matcher then says no, hiding the field.
    else if (
      visibility.kind === 'where' &&
      visibility.filter.matches(current.item, access.variables)
    )
      fields.add(name)
  }
  return fields
}

const mask = (item: Item | null, fields: ReadonlySet<string>): Item | null =>
  item === null ? null : Object.fromEntries(Object.entries(item).filter(([f]) => fields.has(f)))

/**
 * An item's revisions, newest first; 404 ITEM_NOT_FOUND when the caller may not see the item
 * (admins also see the history of deleted items).
 * @example
 * await listRevisions(db, scope, 'articles', '1', { limit: 50, offset: 0 })
 */
export async function listRevisions(
  db: Db,
  scope: ItemsScope,
  slug: string,
  rawKey: string,
  page: { limit: number; offset: number },
): Promise<Revision[]> {
  await scope.access(slug, 'read')
  const model = scope.schema.collection(slug) as CollectionModel
  const key = parseKey(model, rawKey)
  const fields = await readableFields(db, scope, model, key)
  if (!fields) throw ItemsErrors.ITEM_NOT_FOUND(slug, key)
  const result = await sql<
    Record<string, unknown>
  >`select r.id, r.collection, r.item, r.data, r.delta, r.created_at, a.id as a_id, a.action as a_action, a.collection as a_collection, a.item as a_item, a.principal_type as a_principal_type, a.user_id as a_user_id, a.api_key_id as a_api_key_id, a.client_address as a_client_address, a.request_id as a_request_id, a.detail as a_detail, a.created_at as a_created_at from ${sql.table(REVISIONS_TABLE)} as r join ${sql.table(ACTIVITY_TABLE)} as a on a.id = r.activity_id where r.workspace = ${scope.workspace} and r.collection = ${slug} and r.item = ${String(key)} order by r.created_at desc, r.id desc limit ${page.limit} offset ${page.offset}`.execute(
    db,
  )
  return result.rows.map((row) => ({
    id: String(row.id),
    collection: String(row.collection),
    item: String(row.item),
    data: mask(parse(row.data), fields),
    delta: mask(parse(row.delta), fields),
    activity: shownTo(scope.principal, toActivity(row, 'a_')),
    createdAt: iso(row.created_at),
  }))
}

/**
 * The revision to revert to and the changes that would bring its item back to it (only fields
 * that still exist and differ from the current values). REVISION_NOT_FOUND also when the caller
 * may not see the item.
 */
export async function revertChanges(
  db: Db,
  scope: ItemsScope,
  id: string,
): Promise<{ slug: string; key: Key; changes: Record<string, unknown> }> {
  const found = await sql<
    Record<string, unknown>
  >`select collection, item, data from ${sql.table(REVISIONS_TABLE)} where id = ${id} and workspace = ${scope.workspace}`.execute(
    db,
  )
  const row = found.rows[0]
  const model = row ? scope.schema.collection(String(row.collection)) : undefined
  if (!row || !model) throw ActivityErrors.REVISION_NOT_FOUND(id)
  const key = parseKey(model, String(row.item))
  const fields = await readableFields(db, scope, model, key)
  if (!fields) throw ActivityErrors.REVISION_NOT_FOUND(id)
  const [current] = await fullRows(db, model, [keyList(model, [key])])
  if (!current) throw ItemsErrors.ITEM_NOT_FOUND(model.slug, key)
  const data = parse(row.data) ?? {}
  const changes: Record<string, unknown> = {}
  for (const [field, value] of Object.entries(data)) {
    const column = model.columns.get(field)
    if (!column || column.primary) continue
    if (JSON.stringify(current.item[field]) !== JSON.stringify(value)) changes[field] = value
  }
  return { slug: model.slug, key: current.key, changes }
}

export interface ActivityQuery {
  limit: number
  offset: number
  collection?: string | undefined
  item?: string | undefined
  action?: string | undefined
}

/**
 * The activity log, newest first: everything in the workspace for admins, the caller's own
 * entries for everyone else (a user's, or a user-less key's), 401 for anonymous callers.
 */
export async function listActivity(
  db: Db,
  scope: ItemsScope,
  query: ActivityQuery,
): Promise<Activity[]> {
  const { principal } = scope
  if (principal.type === 'anonymous') throw ItemsErrors.UNAUTHORIZED()
  const where = [sql`workspace = ${scope.workspace}`]
  if (!isAdmin(principal)) {
    where.push(
      principal.userId !== null
        ? sql`user_id = ${principal.userId}`
        : sql`principal_type = ${principal.type} and api_key_id = ${principal.id}`,
    )
  }
  if (query.collection !== undefined) where.push(sql`collection = ${query.collection}`)
  if (query.item !== undefined) where.push(sql`item = ${query.item}`)
  if (query.action !== undefined) where.push(sql`action = ${query.action}`)
  const result = await sql<
    Record<string, unknown>
  >`select * from ${sql.table(ACTIVITY_TABLE)} where ${allOf(where)} order by created_at desc, id desc limit ${query.limit} offset ${query.offset}`.execute(
    db,
  )
  // Non-admins get only their own entries (above); shownTo keeps that true field by field.
  return result.rows.map((row) => shownTo(principal, toActivity(row)))
}
