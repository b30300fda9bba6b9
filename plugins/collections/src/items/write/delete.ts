// Deleting items: by keys or by a query, all or nothing, within the caller's delete filter, with
// `items.delete` hooks and an activity + revision row (the values before) per item.
import { sql } from 'kysely'
import { ItemsDelete, ItemsDeleted } from '../../contract.js'
import { recordChanges } from '../../revisions/record.js'
import type { Db } from '../read/select.js'
import type { ItemsScope } from '../scope.js'
import {
  atomically,
  changeableRows,
  checkBatch,
  commit,
  type Key,
  keyList,
  type WriteContext,
} from './context.js'
import { type Selection, selectKeys } from './update.js'

/**
 * Deletes the selected items as the caller; returns the keys deleted.
 * @example
 * await deleteItems(ctx, scope, 'articles', { keys: [3] })
 */
export async function deleteItems(
  ctx: WriteContext,
  scope: ItemsScope,
  slug: string,
  selection: Selection,
): Promise<Key[]> {
  const access = await scope.access(slug, 'delete')
  const model = access.model
  const table = model.table
  const writable = access.rows ? [access.rows.toSql(access.variables, { table })] : []
  if ('keys' in selection) checkBatch(ctx, selection.keys.length)
  const keys =
    'keys' in selection
      ? [...selection.keys]
      : await selectKeys(ctx, scope, slug, selection.query, writable)
  if (keys.length === 0) return []
  const { deleted, event } = await atomically(ctx, slug, async (db: Db) => {
    const rows = await changeableRows(db, scope, model, keys, writable, 'delete')
    const payload = await ctx.events.filter(
      ItemsDelete,
      { workspace: scope.workspace, collection: slug, keys: rows.map((r) => r.key) },
      ctx.meta,
    )
    // A hook may narrow the keys, never widen them beyond the rows the caller may delete.
    const allowed = new Set(rows.map((r) => String(r.key)))
    const deleted = payload.keys.filter((k) => allowed.has(String(k)))
    if (deleted.length > 0) {
      await sql`delete from ${sql.table(table)} where ${keyList(model, deleted)}`.execute(db)
    }
    const byKey = new Map(rows.map((r) => [String(r.key), r.item]))
    const before = deleted.map((k) => byKey.get(String(k)) ?? {})
    await recordChanges(
      db,
      ctx.activity,
      ctx.dialect,
      ctx.actor,
      slug,
      'delete',
      before.map((item, i) => ({ key: deleted[i] as Key, data: item, delta: null })),
      ctx.now(),
    )
    const event = await commit(ctx, db, 'delete', {
      workspace: scope.workspace,
      collection: slug,
      keys: deleted,
      before,
    })
    return { deleted, event }
  })
  ctx.events.emit(ItemsDeleted, event, ctx.meta)
  return deleted
}
