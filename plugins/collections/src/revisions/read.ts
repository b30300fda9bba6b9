// Reading the audit trail: an item's revisions (only the fields the caller may read, only for
// items it may read, who made each change as the activity log shows it to the caller) and
// reverting to one. The activity log itself is @backlex/activity's.
import { sql } from 'kysely'
import { ItemsErrors } from '../items/errors.js'
import { parseKey } from '../items/model/keys.js'
import type { CollectionModel } from '../items/model/model.js'
import type { Db, Item } from '../items/read/select.js'
import type { ItemsScope } from '../items/scope.js'
import { fullRows, type Key, keyList } from '../items/write/context.js'
import { RevisionsErrors } from './errors.js'
import type { ItemsActivityLog, RevisionActivity } from './log.js'
import { REVISIONS_TABLE } from './migrations.js'

export interface Revision {
  id: string
  collection: string
  item: string
  /** The item's values after the change (before it, for a delete). */
  data: Item | null
  /** What the change wrote; null for a delete. */
  delta: Item | null
  /**
   * The change's activity entry as the caller may see it (who made it only for admins and the
   * change's author); null where @backlex/activity is not installed.
   */
  activity: RevisionActivity | null
  createdAt: string
}

const iso = (value: unknown) => (value instanceof Date ? value.toISOString() : String(value))
const parse = (value: unknown): Item | null => {
  if (value === null || value === undefined) return null
  if (typeof value === 'string') return JSON.parse(value) as Item
  return value as Item
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
 * await listRevisions(db, log, scope, 'articles', '1', { limit: 50, offset: 0 })
 */
export async function listRevisions(
  db: Db,
  log: ItemsActivityLog | undefined,
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
  >`select id, collection, item, activity_id, data, delta, created_at from ${sql.table(REVISIONS_TABLE)} where workspace = ${scope.workspace} and collection = ${slug} and item = ${String(key)} order by created_at desc, id desc limit ${page.limit} offset ${page.offset}`.execute(
    db,
  )
  const ids = result.rows.flatMap((row) => (row.activity_id ? [String(row.activity_id)] : []))
  const activity = log && ids.length > 0 ? await log.entries(scope, ids) : undefined
  return result.rows.map((row) => ({
    id: String(row.id),
    collection: String(row.collection),
    item: String(row.item),
    data: mask(parse(row.data), fields),
    delta: mask(parse(row.delta), fields),
    activity: activity?.get(String(row.activity_id)) ?? null,
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
  if (!row || !model) throw RevisionsErrors.REVISION_NOT_FOUND(id)
  const key = parseKey(model, String(row.item))
  const fields = await readableFields(db, scope, model, key)
  if (!fields) throw RevisionsErrors.REVISION_NOT_FOUND(id)
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
