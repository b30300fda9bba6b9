// `aggregate[fn]=field` with `groupBy` (alone: the distinct groups): counts, sums, averages,
// minimums and maximums over the rows and fields the caller may read (hidden values count as NULL,
// hidden rows not at all). Groups may be function fields (`year(published_at)`).
import { type Expression, sql } from 'kysely'
import type { AggregateFunction } from '../../contract.js'
import type { CollectionAccess } from '../access.js'
import { ItemsErrors } from '../errors.js'
import type { ColumnModel, WorkspaceSchema } from '../model/model.js'
import type { ItemsQuery } from '../query/types.js'
import type { AccessLoader } from './filter.js'
import { decodeFunction, functionColumn, functionValue } from './functions.js'
import { allOf, type Item, type ReadContext } from './select.js'
import { visibleColumn } from './sort.js'

const NUMERIC = new Set(['integer', 'bigInteger', 'float', 'decimal'])
const NEEDS_NUMBER = new Set<AggregateFunction>(['sum', 'sumDistinct', 'avg', 'avgDistinct'])

interface Measure {
  fn: AggregateFunction
  field: string
  column: ColumnModel | undefined
  alias: string
  /** Over a date function (`max` of `year(published_at)`): the values are integers. */
  integer?: boolean
}

interface Group {
  /** As written in groupBy. */
  field: string
  /** The answer key: the field, or a function's key (`published_at_year`). */
  key: string
  /** Undefined for a function. */
  column: ColumnModel | undefined
  value: Expression<unknown>
}

/**
 * The select-list position (0-based) a grouped sort entry names: a grouped field as written, or an
 * aggregate as Directus names it (`count` for `count=*`, `sum.views`); -1 when it names neither.
 */
function sortPosition(
  name: string,
  groups: readonly Group[],
  measures: readonly Measure[],
): number {
  const group = groups.findIndex((g) => g.field === name || g.key === name)
  if (group !== -1) return group
  const dot = name.indexOf('.')
  const fn = dot === -1 ? name : name.slice(0, dot)
  const field = dot === -1 ? '*' : name.slice(dot + 1)
  const measure = measures.findIndex((m) => m.fn === fn && m.field === field)
  return measure === -1 ? -1 : groups.length + measure
}

function expression(
  fn: AggregateFunction,
  value: Expression<unknown> | undefined,
): Expression<unknown> {
  if (value === undefined) return sql`count(*)`
  switch (fn) {
    case 'count':
      return sql`count(${value})`
    case 'countDistinct':
      return sql`count(distinct ${value})`
    case 'sum':
      return sql`sum(${value})`
    case 'sumDistinct':
      return sql`sum(distinct ${value})`
    case 'avg':
      return sql`avg(${value})`
    case 'avgDistinct':
      return sql`avg(distinct ${value})`
    case 'min':
      return sql`min(${value})`
    case 'max':
      return sql`max(${value})`
  }
}

function decodeMeasure(access: CollectionAccess, measure: Measure, value: unknown): unknown {
  if (value === null || value === undefined) return measure.fn.startsWith('count') ? 0 : null
  const { fn, column } = measure
  if (fn === 'count' || fn === 'countDistinct' || fn === 'avg' || fn === 'avgDistinct') {
    return Number(value)
  }
  if (measure.integer) return Number(value)
  if (!column) return value
  if ((fn === 'sum' || fn === 'sumDistinct') && column.type === 'integer') {
    // A sum of 32-bit integers may pass 2^31: read it as a big integer.
    return access.model.decode({ ...column, type: 'bigInteger', definition: undefined }, value)
  }
  return access.model.decode(column, value)
}

/**
 * Runs an aggregate query: one row without `groupBy`, one row per group with it.
 * @example
 * await aggregateRows(ctx, access, { aggregate: { count: ['*'], sum: ['views'] }, ... }, where)
 * // [{ count: 3, sum: { views: 42 } }]
 */
export async function aggregateRows(
  ctx: ReadContext,
  access: CollectionAccess,
  query: ItemsQuery,
  where: readonly Expression<unknown>[],
  page: { limit: number; offset: number },
  planCtx: { schema: WorkspaceSchema; load: AccessLoader },
): Promise<Item[]> {
  const model = access.model
  const table = model.table
  const vars = access.variables
  const groups: Group[] = []
  for (const [i, field] of (query.groupBy ?? []).entries()) {
    const at = `groupBy.${i}`
    const fn = await functionColumn(field, access, planCtx, at)
    if (fn) {
      groups.push({ field, key: fn.key, column: undefined, value: functionValue(fn, table, vars) })
      continue
    }
    const column = model.columns.get(field)
    if (!column) {
      throw model.relations.has(field)
        ? ItemsErrors.INVALID_QUERY(at, `"${field}" lists related items and cannot be grouped by`)
        : ItemsErrors.UNKNOWN_FIELD(model.slug, field, at)
    }
    if (column.type === 'json')
      throw ItemsErrors.INVALID_QUERY(at, 'JSON fields cannot be grouped by')
    const value = visibleColumn(table, field, access.require(field, at), vars)
    groups.push({ field, key: field, column, value })
  }
  const measures: Measure[] = []
  const selects: Expression<unknown>[] = groups.map((g) => sql`${g.value} as ${sql.id(g.key)}`)
  for (const [fn, fields] of Object.entries(query.aggregate ?? {}) as [
    AggregateFunction,
    string[],
  ][]) {
    for (const [i, field] of fields.entries()) {
      const at = `aggregate.${fn}.${i}`
      const alias = `bx_a_${measures.length}`
      if (field === '*') {
        if (fn !== 'count') throw ItemsErrors.INVALID_QUERY(at, `"*" only works with count`)
        measures.push({ fn, field, column: undefined, alias })
        selects.push(sql`count(*) as ${sql.id(alias)}`)
        continue
      }
      const call = await functionColumn(field, access, planCtx, at)
      if (call) {
        // A date part is an integer; a count is a subquery, which aggregates cannot take.
        if (call.kind === 'count') {
          throw ItemsErrors.INVALID_QUERY(at, 'count() cannot be aggregated; sort or filter by it')
        }
        measures.push({ fn, field, column: undefined, alias, integer: true })
        selects.push(sql`${expression(fn, functionValue(call, table, vars))} as ${sql.id(alias)}`)
        continue
      }
      const column = model.columns.get(field)
      if (!column) throw ItemsErrors.UNKNOWN_FIELD(model.slug, field, at)
      const visibility = access.require(field, at)
      if (NEEDS_NUMBER.has(fn) && !NUMERIC.has(column.type)) {
        throw ItemsErrors.INVALID_QUERY(
          at,
          `${fn} needs a numeric field; "${field}" is ${column.type}`,
        )
      }
      if (!fn.startsWith('count') && (column.type === 'json' || column.type === 'boolean')) {
        throw ItemsErrors.INVALID_QUERY(at, `${fn} does not apply to ${column.type} fields`)
      }
      measures.push({ fn, field, column, alias })
      selects.push(
        sql`${expression(fn, visibleColumn(table, field, visibility, vars))} as ${sql.id(alias)}`,
      )
    }
  }
  // Grouped and ordered by position: a hidden-value CASE binds its parameters anew at every
  // occurrence, and PostgreSQL would not see two occurrences as the same expression.
  const position = (i: number) => sql.raw(String(i + 1))
  const groupBy =
    groups.length > 0 ? sql` group by ${sql.join(groups.map((_, i) => position(i)))}` : sql``
  let order = sql``
  let window = sql``
  if (groups.length > 0) {
    const items = (query.sort ?? groups.map((g) => g.field)).map((entry, i) => {
      const descending = entry.startsWith('-')
      const name = descending ? entry.slice(1) : entry
      const index = sortPosition(name, groups, measures)
      if (index === -1) {
        throw ItemsErrors.INVALID_QUERY(
          `sort.${i}`,
          'with groupBy, sort by grouped fields or by aggregates (e.g. -count, sum.views)',
        )
      }
      return sql`${position(index)} ${descending ? sql`desc nulls first` : sql`asc nulls last`}`
    })
    order = sql` order by ${sql.join(items)}`
    window = sql` limit ${page.limit} offset ${page.offset}`
  }
  const result = await sql<
    Record<string, unknown>
  >`select ${sql.join(selects)} from ${sql.table(table)} where ${allOf(where)}${groupBy}${order}${window}`.execute(
    ctx.db,
  )
  return result.rows.map((raw) => {
    const item: Item = {}
    for (const g of groups) {
      item[g.key] = g.column ? model.decode(g.column, raw[g.key]) : decodeFunction(raw[g.key])
    }
    for (const m of measures) {
      const value = decodeMeasure(access, m, raw[m.alias])
      const onlyStar = m.field === '*' && (query.aggregate?.[m.fn]?.length ?? 0) === 1
      if (onlyStar) item[m.fn] = value
      else {
        const bucket = (item[m.fn] ?? {}) as Record<string, unknown>
        bucket[m.field] = value
        item[m.fn] = bucket
      }
    }
    return item
  })
}
