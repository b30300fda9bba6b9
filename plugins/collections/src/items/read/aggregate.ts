// `aggregate[fn]=field` with `groupBy`: counts, sums, averages, minimums and maximums over the
// rows and fields the caller may read (hidden values count as NULL, hidden rows not at all).
import { type Expression, sql } from 'kysely'
import type { CollectionAccess } from '../access.js'
import { ItemsErrors } from '../errors.js'
import type { ColumnModel } from '../model/model.js'
import type { AggregateFunction, ItemsQuery } from '../query/types.js'
import { allOf, type Item, type ReadContext } from './select.js'
import { visibleColumn } from './sort.js'

const NUMERIC = new Set(['integer', 'bigInteger', 'float', 'decimal'])
const NEEDS_NUMBER = new Set<AggregateFunction>(['sum', 'sumDistinct', 'avg', 'avgDistinct'])

interface Measure {
  fn: AggregateFunction
  field: string
  column: ColumnModel | undefined
  alias: string
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
): Promise<Item[]> {
  const model = access.model
  const table = model.table
  const vars = access.variables
  const groups = (query.groupBy ?? []).map((field, i) => {
    const at = `groupBy.${i}`
    const column = model.columns.get(field)
    if (!column) {
      throw model.relations.has(field)
        ? ItemsErrors.INVALID_QUERY(at, `"${field}" lists related items and cannot be grouped by`)
        : ItemsErrors.UNKNOWN_FIELD(model.slug, field, at)
    }
    if (column.type === 'json')
      throw ItemsErrors.INVALID_QUERY(at, 'JSON fields cannot be grouped by')
    return { field, column, value: visibleColumn(table, field, access.require(field, at), vars) }
  })
  const measures: Measure[] = []
  const selects: Expression<unknown>[] = groups.map((g) => sql`${g.value} as ${sql.id(g.field)}`)
  for (const [fn, fields] of Object.entries(query.aggregate ?? {}) as [
    AggregateFunction,
    string[],
  ][]) {
    fields.forEach((field, i) => {
      const at = `aggregate.${fn}.${i}`
      const alias = `bx_a_${measures.length}`
      if (field === '*') {
        if (fn !== 'count') throw ItemsErrors.INVALID_QUERY(at, `"*" only works with count`)
        measures.push({ fn, field, column: undefined, alias })
        selects.push(sql`count(*) as ${sql.id(alias)}`)
        return
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
    })
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
      const index = groups.findIndex((g) => g.field === name)
      if (index === -1)
        throw ItemsErrors.INVALID_QUERY(`sort.${i}`, 'with groupBy, sort by grouped fields only')
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
    for (const g of groups) item[g.field] = model.decode(g.column, raw[g.field])
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
