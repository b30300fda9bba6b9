// GET /items/:slug and /items/:slug/:id: a normalized query -> rows (or aggregates) and meta,
// everything limited to what the caller may read.
import { type FilterNode, prepareFilter } from '@backlex/permissions'
import { type Expression, sql } from 'kysely'
import type { CollectionAccess } from '../access.js'
import { ItemsErrors } from '../errors.js'
import type { ItemsQuery } from '../query/types.js'
import type { ItemsScope } from '../scope.js'
import { aggregateRows } from './aggregate.js'
import { searchFilter, userFilter } from './filter.js'
import { fieldTree, type ReadPlan, readPlan } from './plan.js'
import { allOf, finishRows, type Item, planShape, type ReadContext, selections } from './select.js'
import { keyOrder, type SortPlan, sortItems, sortJoins, sortPlan } from './sort.js'
import { bound, isFixed } from './template.js'

export interface ListLimits {
  defaultLimit: number
  maxLimit: number
  maxDepth: number
}

export interface ListResult {
  data: Item[]
  meta?: { total_count?: number; filter_count?: number }
}

function compiled(
  scope: ItemsScope,
  access: CollectionAccess,
  node: FilterNode,
): Expression<unknown> {
  return prepareFilter(node, { dialect: scope.dialect }).toSql(access.variables, {
    table: access.model.table,
  })
}

/** The shape of a list query with no filter or search but the rules' (see `bound`). */
function listShape(plan: ReadPlan, sort: SortPlan): string | undefined {
  const shape = planShape(plan)
  if (shape === undefined || sort.joins.length > 0 || sort.keys.some((k) => k.fn)) return undefined
  const visibilities = sort.keys.map((k) => k.visibility)
  if (!isFixed([], visibilities)) return undefined
  const keys = sort.keys.map((k) => `${k.descending ? '-' : ''}${k.column.name}`)
  return `list:${keys.join(',')}|${shape}`
}

/**
 * Rows matching `where`. `fixed`: `where` is the rules' row filter alone and reads no variable,
 * so its SQL is the same on every request (compiled once, see template.ts).
 */
async function count(
  ctx: ReadContext,
  access: CollectionAccess,
  where: readonly Expression<unknown>[],
  fixed: boolean,
) {
  const { model } = access
  const build = () => sql`select count(*) as n from ${sql.table(model.table)} where ${allOf(where)}`
  const result = await ctx.db.executeQuery<{ n: unknown }>(
    fixed ? bound(ctx.db, access.rules, model, 'count', [], build) : build().compile(ctx.db),
  )
  return Number(result.rows[0]?.n ?? 0)
}

function page(query: ItemsQuery, limits: ListLimits): { limit: number; offset: number } {
  let limit = query.limit ?? Math.min(limits.defaultLimit, limits.maxLimit)
  if (limit === -1) limit = limits.maxLimit
  if (limit > limits.maxLimit) {
    throw ItemsErrors.INVALID_QUERY('limit', `at most ${limits.maxLimit} (or -1 for all up to it)`)
  }
  const offset = query.page !== undefined ? (query.page - 1) * limit : (query.offset ?? 0)
  return { limit, offset }
}

/** Awaits every promise, then throws the first failure: none is left unhandled or running. */
async function settleAll<T extends readonly unknown[]>(
  work: T,
): Promise<{ -readonly [K in keyof T]: Awaited<T[K]> }> {
  const settled = await Promise.allSettled(work)
  const failed = settled.find((s) => s.status === 'rejected')
  if (failed) throw failed.reason
  return settled.map((s) => (s as PromiseFulfilledResult<unknown>).value) as never
}

/**
 * Checks the rows half of a list (fields, deep, sort) and returns the query that reads them, so
 * a bad query fails before any SQL runs.
 */
async function rowsOf(
  ctx: ReadContext,
  scope: ItemsScope,
  access: CollectionAccess,
  query: ItemsQuery,
  where: readonly Expression<unknown>[],
  window: { limit: number; offset: number },
  planCtx: { schema: ItemsScope['schema']; load: ItemsScope['load']; maxDepth: number },
): Promise<() => Promise<Item[]>> {
  const model = access.model
  const table = model.table
  if (query.aggregate || query.groupBy) {
    if (query.fields) {
      throw ItemsErrors.INVALID_QUERY(
        'fields',
        'aggregate and groupBy return their own fields; leave fields out',
      )
    }
    return () => aggregateRows(ctx, access, query, where, window, planCtx)
  }
  const plan = await readPlan(fieldTree(query.fields ?? ['*']), access, query.deep, planCtx, '', 0)
  const sort = query.sort
    ? await sortPlan(query.sort, access, planCtx, 'sort')
    : { keys: [], joins: [] }
  const rowsQuery = ([limit, offset]: readonly unknown[]) => {
    const order = [
      ...sortItems(sort, table, scope.dialect, access.variables),
      keyOrder(sort, table, model.primaryKey.name),
    ]
    return sql`select ${sql.join(selections(plan, table))} from ${sql.table(table)} ${sortJoins(sort, table)} where ${allOf(where)} order by ${sql.join(order)} limit ${limit} offset ${offset}`
  }
  return async () => {
    if (window.limit === 0) return []
    // Only the rules' row filter and a sort on the collection's own fields: the SQL is the
    // same for every such request but the page, so it is compiled once (see template.ts).
    const shape = query.filter || query.search !== undefined ? undefined : listShape(plan, sort)
    const values = [window.limit, window.offset]
    const result = await ctx.db.executeQuery<Record<string, unknown>>(
      shape === undefined
        ? rowsQuery(values).compile(ctx.db)
        : bound(ctx.db, access.rules, model, shape, values, rowsQuery),
    )
    return finishRows(ctx, plan, result.rows)
  }
}

/**
 * Lists items of `slug` for the caller.
 * @example
 * await listItems(ctx, scope, 'articles', normalizeQuery({ sort: '-views', limit: '10' }), limits)
 */
export async function listItems(
  ctx: ReadContext,
  scope: ItemsScope,
  slug: string,
  query: ItemsQuery,
  limits: ListLimits,
): Promise<ListResult> {
  const access = await scope.access(slug, 'read')
  const model = access.model
  const table = model.table
  const planCtx = { schema: scope.schema, load: scope.load, maxDepth: limits.maxDepth }
  const rowsWhere: Expression<unknown>[] = access.rows
    ? [access.rows.toSql(access.variables, { table })]
    : []
  const where = [...rowsWhere]
  if (query.filter) {
    const filter = await userFilter(query.filter, 'filter', access, scope.schema, scope.load)
    where.push(compiled(scope, access, filter))
  }
  if (query.search !== undefined)
    where.push(compiled(scope, access, searchFilter(query.search, access)))
  const window = page(query, limits)

  const fixedRows = isFixed([access.rows], [])
  const unfiltered = !query.filter && query.search === undefined
  const rows = await rowsOf(ctx, scope, access, query, where, window, planCtx)
  // The counts run beside the rows query; every one is awaited whatever the others do, so a
  // failing query never leaves another's rejection unhandled (or still running) after the answer.
  const [data, total, filtered] = await settleAll([
    rows(),
    query.meta.includes('total_count') ? count(ctx, access, rowsWhere, fixedRows) : undefined,
    query.meta.includes('filter_count')
      ? count(ctx, access, where, fixedRows && unfiltered)
      : undefined,
  ] as const)
  const meta: ListResult['meta'] = {}
  if (total !== undefined) meta.total_count = total
  if (filtered !== undefined) meta.filter_count = filtered
  return query.meta.length > 0 ? { data, meta } : { data }
}

/**
 * One item by key, or 404 ITEM_NOT_FOUND (also when it exists but the caller may not see it).
 * @example
 * await readItem(ctx, scope, 'articles', 42, { fields: ['*', 'author.name'], meta: [], deep: {} }, limits)
 */
export async function readItem(
  ctx: ReadContext,
  scope: ItemsScope,
  slug: string,
  key: unknown,
  query: ItemsQuery,
  limits: ListLimits,
): Promise<Item> {
  const [item] = await readItems(ctx, scope, slug, [key], query, limits)
  if (!item) throw ItemsErrors.ITEM_NOT_FOUND(slug, key)
  return item
}

/**
 * Items by keys (already parsed for the key column), aligned with `keys`: undefined where an item
 * does not exist or the caller may not see it.
 */
export async function readItems(
  ctx: ReadContext,
  scope: ItemsScope,
  slug: string,
  keys: readonly unknown[],
  query: Pick<ItemsQuery, 'fields' | 'deep'>,
  limits: ListLimits,
): Promise<(Item | undefined)[]> {
  const access = await scope.access(slug, 'read')
  const model = access.model
  const table = model.table
  const planCtx = { schema: scope.schema, load: scope.load, maxDepth: limits.maxDepth }
  const plan = await readPlan(fieldTree(query.fields ?? ['*']), access, query.deep, planCtx, '', 0)
  if (keys.length === 0) return []
  const head = (values: readonly unknown[]) => {
    const where: Expression<unknown>[] = [
      sql`${sql.id(table, model.primaryKey.name)} in (${sql.join(values.map((k) => sql`${k}`))})`,
    ]
    if (access.rows) where.push(access.rows.toSql(access.variables, { table }))
    return sql`select ${sql.join(selections(plan, table))} from ${sql.table(table)} where ${allOf(where)}`
  }
  const shape = planShape(plan)
  const result = await ctx.db.executeQuery<Record<string, unknown>>(
    shape === undefined
      ? head(keys).compile(ctx.db)
      : bound(ctx.db, access.rules, model, `keys:${keys.length}|${shape}`, keys, head),
  )
  const items = await finishRows(ctx, plan, result.rows)
  const byKey = new Map<string, Item>()
  result.rows.forEach((raw, i) => {
    byKey.set(String(raw[model.primaryKey.name]), items[i] as Item)
  })
  return keys.map((k) => byKey.get(String(k)))
}
