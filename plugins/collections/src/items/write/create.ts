// Creating items: one object or a batch, all or nothing, with presets, type checks, the
// permission's validation, `items.create` hooks, and an activity + revision row per item.
import { sql } from 'kysely'
import { ItemsCreate, ItemsCreated } from '../../contract.js'
import { recordChanges } from '../../revisions/record.js'
import { ItemsErrors } from '../errors.js'
import type { CollectionModel } from '../model/model.js'
import type { Db, Item } from '../read/select.js'
import type { ItemsScope } from '../scope.js'
import {
  atomically,
  checkBatch,
  checkValidation,
  commit,
  type Key,
  type WriteContext,
} from './context.js'
import { checkNewItems, encodeValues, type Issue, type Values } from './input.js'
import { checkReferences } from './references.js'

async function insert(
  db: Db,
  model: CollectionModel,
  values: Values,
): Promise<Record<string, unknown>> {
  const columns = Object.keys(values)
  const table = sql.table(model.table)
  const result =
    columns.length === 0
      ? await sql<Record<string, unknown>>`insert into ${table} default values returning *`.execute(
          db,
        )
      : await sql<
          Record<string, unknown>
        >`insert into ${table} (${sql.join(columns.map((c) => sql.id(c)))}) values (${sql.join(columns.map((c) => sql`${values[c]}`))}) returning *`.execute(
          db,
        )
  const row = result.rows[0]
  if (!row) throw new Error('insert returned no row')
  return row
}

function decodeRow(model: CollectionModel, raw: Record<string, unknown>): Item {
  const item: Item = {}
  for (const column of model.columns.values())
    item[column.name] = model.decode(column, raw[column.name])
  return item
}

/**
 * Creates items as the caller; returns their keys in input order.
 * @example
 * await createItems(ctx, scope, 'articles', [{ title: 'Hello' }], false) // [1]
 */
export async function createItems(
  ctx: WriteContext,
  scope: ItemsScope,
  slug: string,
  inputs: readonly unknown[],
  batch: boolean,
): Promise<Key[]> {
  checkBatch(ctx, inputs.length)
  const access = await scope.access(slug, 'create')
  const model = access.model
  const values = checkNewItems(access, inputs, batch)
  if (values.length === 0) return []
  const { keys, event } = await atomically(ctx, slug, async (db) => {
    const payload = await ctx.events.filter(
      ItemsCreate,
      { workspace: scope.workspace, collection: slug, items: values },
      ctx.meta,
    )
    const issues: Issue[] = []
    const encoded = payload.items.map((item, i) =>
      encodeValues(model, item, batch ? String(i) : '', issues),
    )
    if (issues.length > 0) throw ItemsErrors.INVALID_ITEM(slug, issues)
    const rows: Record<string, unknown>[] = []
    for (const item of encoded) rows.push(await insert(db, model, item))
    const keys = rows.map((r) => r[model.primaryKey.name] as Key)
    await checkReferences(db, scope, model, encoded, inputs)
    await checkValidation(db, access, keys, batch)
    const after = rows.map((r) => decodeRow(model, r))
    await recordChanges(
      db,
      ctx.activity,
      ctx.dialect,
      ctx.actor,
      slug,
      'create',
      after.map((item, i) => ({
        key: keys[i] as Key,
        data: item,
        delta: Object.fromEntries(Object.keys(payload.items[i] ?? {}).map((f) => [f, item[f]])),
      })),
      ctx.now(),
    )
    const event = await commit(ctx, db, 'create', {
      workspace: scope.workspace,
      collection: slug,
      keys,
      after,
    })
    return { keys, event }
  })
  ctx.events.emit(ItemsCreated, event, ctx.meta)
  return keys
}
