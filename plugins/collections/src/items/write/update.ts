// Changing items: by keys or by a query, all or nothing, within the caller's update filter and
// field rules, with `items.update` hooks, validation, and activity + revisions per item.
import { type FilterNode, prepareFilter } from '@backlex/permissions'
import { type Expression, sql } from 'kysely'
import { ItemsUpdate, ItemsUpdated } from '../../contract.js'
import { recordChanges } from '../../revisions/record.js'
import type { CollectionAccess } from '../access.js'
import { ItemsErrors } from '../errors.js'
import { searchFilter, userFilter } from '../read/filter.js'
import { allOf, type Db } from '../read/select.js'
import type { ItemsScope } from '../scope.js'
import {
  atomically,
  changeableRows,
  checkBatch,
  checkValidation,
  commit,
  fullRows,
  type Key,
  keyList,
  type WriteContext,
} from './context.js'
import { checkChanges, encodeValues, type Issue } from './input.js'
import { checkReferences } from './references.js'

/** Which items a batch names: keys, or a query (`filter` and `search`) on what the caller reads. */
export type Selection =
  | { keys: readonly Key[] }
  | { query: { filter?: Record<string, unknown> | undefined; search?: string | undefined } }

/** Rows the caller may write with `access`, plus the rows its per-field rules allow. */
function writableWhere(
  access: CollectionAccess,
  restrictions: readonly FilterNode[],
  dialect: WriteContext['dialect'],
): Expression<unknown>[] {
  const table = access.model.table
  const where: Expression<unknown>[] = []
  if (access.rows) where.push(access.rows.toSql(access.variables, { table }))
  for (const node of restrictions) {
    where.push(prepareFilter(node, { dialect }).toSql(access.variables, { table }))
  }
  return where
}

/**
 * Keys of the rows a query selects among those the caller may read; BATCH_TOO_LARGE when there
 * are more than the batch maximum.
 */
export async function selectKeys(
  ctx: WriteContext,
  scope: ItemsScope,
  slug: string,
  query: { filter?: Record<string, unknown> | undefined; search?: string | undefined },
  writable: readonly Expression<unknown>[],
): Promise<Key[]> {
  const read = await scope.access(slug, 'read')
  const model = read.model
  const table = model.table
  const where = [...writable]
  if (read.rows) where.push(read.rows.toSql(read.variables, { table }))
  if (query.filter) {
    const ast = await userFilter(query.filter, 'query.filter', read, scope.schema, scope.load)
    where.push(prepareFilter(ast, { dialect: ctx.dialect }).toSql(read.variables, { table }))
  }
  if (query.search !== undefined) {
    where.push(
      prepareFilter(searchFilter(query.search, read), { dialect: ctx.dialect }).toSql(
        read.variables,
        { table },
      ),
    )
  }
  const key = sql.id(table, model.primaryKey.name)
  const result = await sql<{
    k: Key
  }>`select ${key} as k from ${sql.table(table)} where ${allOf(where)} order by ${key} limit ${ctx.maxBatch + 1}`.execute(
    ctx.db,
  )
  if (result.rows.length > ctx.maxBatch)
    throw ItemsErrors.BATCH_TOO_LARGE(result.rows.length, ctx.maxBatch)
  return result.rows.map((r) => r.k)
}

/**
 * Writes `data` to the selected items as the caller; returns the keys changed.
 * @example
 * await updateItems(ctx, scope, 'articles', { keys: [1, 2] }, { status: 'published' })
 */
export async function updateItems(
  ctx: WriteContext,
  scope: ItemsScope,
  slug: string,
  selection: Selection,
  data: unknown,
): Promise<Key[]> {
  const access = await scope.access(slug, 'update')
  const model = access.model
  const { values, restrictions } = checkChanges(access, data, 'data')
  const writable = writableWhere(
    access,
    restrictions.flatMap((r) => (r.kind === 'where' ? [r.filter.ast] : [])),
    ctx.dialect,
  )
  if ('keys' in selection) checkBatch(ctx, selection.keys.length)
  const keys =
    'keys' in selection
      ? [...selection.keys]
      : await selectKeys(ctx, scope, slug, selection.query, writable)
  if (keys.length === 0) return []
  const { changed, event } = await atomically(ctx, slug, async (db: Db) => {
    const rows = await changeableRows(db, scope, model, keys, writable, 'update')
    const changed = rows.map((r) => r.key)
    const payload = await ctx.events.filter(
      ItemsUpdate,
      { workspace: scope.workspace, collection: slug, keys: changed, data: values },
      ctx.meta,
    )
    const issues: Issue[] = []
    const encoded = encodeValues(model, payload.data, 'data', issues)
    if (issues.length > 0) throw ItemsErrors.INVALID_ITEM(slug, issues)
    const columns = Object.keys(encoded)
    if (columns.length > 0) {
      const sets = columns.map((c) => sql`${sql.id(c)} = ${encoded[c]}`)
      await sql`update ${sql.table(model.table)} set ${sql.join(sets)} where ${keyList(model, changed)}`.execute(
        db,
      )
    }
    await checkReferences(db, scope, model, [encoded], [data])
    await checkValidation(db, access, changed, 'query' in selection || keys.length > 1)
    const updated = await fullRows(db, model, [keyList(model, changed)])
    const byKey = new Map(updated.map((r) => [String(r.key), r.item]))
    const after = changed.map((k) => byKey.get(String(k)) ?? {})
    await recordChanges(
      db,
      ctx.activity,
      ctx.dialect,
      ctx.actor,
      slug,
      'update',
      after.map((item, i) => ({
        key: changed[i] as Key,
        data: item,
        delta: Object.fromEntries(columns.map((c) => [c, item[c]])),
      })),
      ctx.now(),
    )
    const event = await commit(ctx, db, 'update', {
      workspace: scope.workspace,
      collection: slug,
      keys: changed,
      before: rows.map((r) => r.item),
      after,
    })
    return { changed, event }
  })
  ctx.events.emit(ItemsUpdated, event, ctx.meta)
  return changed
}
