// What writes share: the transaction wrapper, full-row reads for revisions and events, the
// permission validation check and the answer for keys the caller may not change.
import type { EventBus, EventMeta } from '@backlex/kernel'
import { type Expression, sql } from 'kysely'
import {
  type ItemsChangedEvent,
  ItemsCommitting,
  type ItemsCommittingPayload,
} from '../../contract.js'
import type { ItemsActivityLog } from '../../revisions/log.js'
import type { Actor } from '../../revisions/record.js'
import type { CollectionAccess } from '../access.js'
import { ItemsErrors } from '../errors.js'
import type { CollectionModel } from '../model/model.js'
import { allOf, type Db, type Item, type ReadContext } from '../read/select.js'
import type { ItemsScope } from '../scope.js'
import { constraintError } from './db-errors.js'

export interface WriteContext extends ReadContext {
  events: EventBus
  meta: EventMeta
  actor: Actor
  /** The activity log, when @backlex/activity is installed: `item.*` entries go there. */
  activity: ItemsActivityLog | undefined
  now: () => Date
  /** False on databases without interactive transactions (D1): writes are then not atomic. */
  transactions: boolean
  maxBatch: number
}

export type Key = string | number

/** Runs `work` in one transaction; constraint violations become 4xx errors. */
export async function atomically<T>(
  ctx: WriteContext,
  collection: string,
  work: (db: Db) => Promise<T>,
): Promise<T> {
  try {
    if (!ctx.transactions) return await work(ctx.db)
    return await ctx.db.transaction().execute(work)
  } catch (error) {
    throw constraintError(collection, error) ?? error
  }
}

/**
 * Runs the `items.committing` hooks as the last step of a write's transaction, so what they
 * write (realtime's event log) commits or rolls back with the rows; returns the event the
 * action hooks get after commit.
 */
export async function commit(
  ctx: WriteContext,
  db: Db,
  action: ItemsCommittingPayload['action'],
  event: ItemsChangedEvent,
): Promise<ItemsChangedEvent> {
  await ctx.events.filter(
    ItemsCommitting,
    { action, event, db, transaction: ctx.transactions },
    ctx.meta,
  )
  return event
}

export const keyList = (model: CollectionModel, keys: readonly Key[]): Expression<unknown> =>
  sql`${sql.id(model.table, model.primaryKey.name)} in (${sql.join(keys.map((k) => sql`${k}`))})`

/** Every column of some rows, in API form, with each row's key as the database returns it. */
export async function fullRows(
  db: Db,
  model: CollectionModel,
  where: readonly Expression<unknown>[],
  extra: readonly Expression<unknown>[] = [],
): Promise<{ key: Key; item: Item; raw: Record<string, unknown> }[]> {
  const columns = [...model.columns.values()]
  const selects = [
    ...columns.map((c) => sql`${sql.id(model.table, c.name)} as ${sql.id(c.name)}`),
    ...extra,
  ]
  const result = await sql<
    Record<string, unknown>
  >`select ${sql.join(selects)} from ${sql.table(model.table)} where ${allOf(where)} order by ${sql.id(model.table, model.primaryKey.name)}`.execute(
    db,
  )
  return result.rows.map((raw) => {
    const item: Item = {}
    for (const c of columns) item[c.name] = model.decode(c, raw[c.name])
    return { key: raw[model.primaryKey.name] as Key, item, raw }
  })
}

/**
 * Throws ITEM_VALIDATION_FAILED when a written row fails the caller's permission `validation`
 * (checked in SQL on the stored row, so database defaults and relations count).
 */
export async function checkValidation(
  db: Db,
  access: CollectionAccess,
  keys: readonly Key[],
  batch: boolean,
): Promise<void> {
  const validation = access.rules.validation
  if (!validation || keys.length === 0) return
  const model = access.model
  const table = model.table
  const passes = validation.toSql(access.variables, { table })
  const result = await sql<{
    k: unknown
    ok: unknown
  }>`select ${sql.id(table, model.primaryKey.name)} as k, case when ${passes} then 1 else 0 end as ok from ${sql.table(table)} where ${keyList(model, keys)}`.execute(
    db,
  )
  const failed = result.rows.find((r) => Number(r.ok) !== 1)
  if (failed) {
    const index = keys.findIndex((k) => String(k) === String(failed.k))
    throw ItemsErrors.ITEM_VALIDATION_FAILED(model.slug, batch ? index : null)
  }
}

/**
 * Some keys were not among the rows the caller may change: 404 when it cannot see them either
 * (or they do not exist), 403 when it can see but not change them.
 */
export async function missingKeys(
  db: Db,
  scope: ItemsScope,
  model: CollectionModel,
  missing: readonly Key[],
  action: 'update' | 'delete',
): Promise<never> {
  const read = await scope.load(model.slug)
  if (read) {
    const where = [keyList(model, missing)]
    if (read.rows) where.push(read.rows.toSql(read.variables, { table: model.table }))
    const seen = await sql<{
      k: unknown
    }>`select ${sql.id(model.table, model.primaryKey.name)} as k from ${sql.table(model.table)} where ${allOf(where)}`.execute(
      db,
    )
    if (seen.rows.length > 0) throw ItemsErrors.FORBIDDEN(model.slug, action)
  }
  throw ItemsErrors.ITEM_NOT_FOUND(model.slug, missing[0])
}

/**
 * The full rows of `keys` that the caller may change (`writable`: its row filter), or the
 * 404 / 403 of `missingKeys` when any key is not among them.
 */
export async function changeableRows(
  db: Db,
  scope: ItemsScope,
  model: CollectionModel,
  keys: readonly Key[],
  writable: readonly Expression<unknown>[],
  action: 'update' | 'delete',
): Promise<{ key: Key; item: Item; raw: Record<string, unknown> }[]> {
  const rows = await fullRows(db, model, [keyList(model, keys), ...writable])
  if (rows.length < keys.length) {
    const found = new Set(rows.map((r) => String(r.key)))
    await missingKeys(
      db,
      scope,
      model,
      keys.filter((k) => !found.has(String(k))),
      action,
    )
  }
  return rows
}

/** Checks the number of items or keys of one request. */
export function checkBatch(ctx: WriteContext, size: number): void {
  if (size > ctx.maxBatch) throw ItemsErrors.BATCH_TOO_LARGE(size, ctx.maxBatch)
}
