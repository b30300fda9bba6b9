// `sort=-views,author.name,year(published_at)`: several keys, `-` for descending, dot paths through
// many-to-one relations (joined with the related collection's read filter, so hidden rows sort as
// NULL), and function fields.
// A field the caller cannot read is a 403, never a silent order that leaks its values.
import type { SqlDialect } from '@backlex/kernel'
import { type Expression, sql } from 'kysely'
import type { CollectionAccess, Visibility } from '../access.js'
import { ItemsErrors } from '../errors.js'
import type { ColumnModel, WorkspaceSchema } from '../model/model.js'
import type { AccessLoader } from './filter.js'
import { type FunctionColumn, functionColumn, functionValue } from './functions.js'

export interface SortJoin {
  /** Alias of the joined table. */
  readonly alias: string
  readonly target: CollectionAccess
  /** Index of the join the key column belongs to; -1: the queried table. */
  readonly from: number
  readonly foreignKey: string
  readonly foreignKeyVisibility: Visibility
}

export interface SortKey {
  /** The column sorted by; for a function, the column it reads (a count: the primary key). */
  readonly column: ColumnModel
  /** Set when sorting by a function's value (`-year(published_at)`, `count(comments)`). */
  readonly fn?: FunctionColumn
  readonly visibility: Visibility
  readonly descending: boolean
  /** Join the column belongs to; -1: the queried table. */
  readonly join: number
}

export interface SortPlan {
  readonly keys: readonly SortKey[]
  readonly joins: readonly SortJoin[]
}

const MAX_PATH = 4

/**
 * Checks sort keys against the caller's access.
 * @example
 * await sortPlan(['-views', 'author.name'], access, ctx, 'sort')
 */
export async function sortPlan(
  entries: readonly string[],
  access: CollectionAccess,
  ctx: { schema: WorkspaceSchema; load: AccessLoader },
  path: string,
): Promise<SortPlan> {
  const keys: SortKey[] = []
  const joins: SortJoin[] = []
  const joinByPath = new Map<string, number>()
  for (const [i, entry] of entries.entries()) {
    const at = `${path}.${i}`
    const descending = entry.startsWith('-')
    const segments = (descending ? entry.slice(1) : entry).split('.')
    if (segments.length > MAX_PATH) {
      throw ItemsErrors.INVALID_QUERY(at, `sort paths follow at most ${MAX_PATH - 1} relations`)
    }
    let current = access
    let join = -1
    for (const [depth, name] of segments.entries()) {
      const model = current.model
      const last = depth === segments.length - 1
      const fn = last ? await functionColumn(name, current, ctx, at) : undefined
      if (fn) {
        const column = fn.kind === 'date' ? fn.column : model.primaryKey
        keys.push({ column, fn, visibility: fn.visibility, descending, join })
        break
      }
      const relation = model.relations.get(name)
      const column = model.columns.get(name)
      if (!column && !relation) throw ItemsErrors.UNKNOWN_FIELD(model.slug, name, at)
      if (last) {
        if (!column) {
          throw ItemsErrors.INVALID_QUERY(
            at,
            `"${name}" lists related items; sort by one of their fields through a many-to-one relation instead`,
          )
        }
        keys.push({ column, visibility: current.require(name, at), descending, join })
        break
      }
      if (relation?.kind !== 'm2o') {
        throw ItemsErrors.INVALID_QUERY(
          at,
          `"${name}" is not a many-to-one relation, so it cannot be sorted through`,
        )
      }
      const foreignKeyVisibility = current.require(name, at)
      const key = segments.slice(0, depth + 1).join('.')
      const known = joinByPath.get(key)
      if (known !== undefined) {
        join = known
        current = (joins[known] as SortJoin).target
        continue
      }
      const target = await ctx.load(relation.target)
      if (!target) {
        throw ItemsErrors.FIELD_FORBIDDEN(model.slug, name, at, 'read', relation.target)
      }
      joins.push({
        alias: `bx_s_${joins.length + 1}`,
        target,
        from: join,
        foreignKey: name,
        foreignKeyVisibility,
      })
      join = joins.length - 1
      joinByPath.set(key, join)
      current = target
    }
  }
  return { keys, joins }
}

/** The value a caller may see of a column: itself, or NULL on rows where it is hidden. */
export function visibleColumn(
  table: string,
  column: string,
  visibility: Visibility,
  variables: CollectionAccess['variables'],
): Expression<unknown> {
  const ref = sql.id(table, column)
  if (visibility.kind !== 'where') return ref
  return sql`case when ${visibility.filter.toSql(variables, { table })} then ${ref} end`
}

/** `left join` clauses of a sort plan, each restricted to rows the caller may read. */
export function sortJoins(plan: SortPlan, table: string): Expression<unknown> {
  if (plan.joins.length === 0) return sql``
  const parts = plan.joins.map((join) => {
    const from = join.from === -1 ? table : (plan.joins[join.from] as SortJoin).alias
    const target = join.target
    const conditions: Expression<unknown>[] = [
      sql`${sql.id(join.alias, target.model.primaryKey.name)} = ${visibleColumn(from, join.foreignKey, join.foreignKeyVisibility, target.variables)}`,
    ]
    if (target.rows) conditions.push(target.rows.toSql(target.variables, { table: join.alias }))
    return sql`left join ${sql.table(target.model.table)} as ${sql.id(join.alias)} on ${sql.join(conditions, sql` and `)}`
  })
  return sql.join(parts, sql` `)
}

const TEXT = new Set(['string', 'text', 'enum'])

/**
 * ORDER BY items of a sort plan, text by code point (as the filter DSL compares it). NULL sorts
 * above every value on both dialects (last ascending, first descending): PostgreSQL's order, which
 * its b-tree indexes return in either direction, and which SQLite's indexes serve as well.
 */
export function sortItems(
  plan: SortPlan,
  table: string,
  dialect: SqlDialect,
  variables: CollectionAccess['variables'],
): Expression<unknown>[] {
  return plan.keys.map((key) => {
    const from = key.join === -1 ? table : (plan.joins[key.join] as SortJoin).alias
    let value = key.fn
      ? functionValue(key.fn, from, variables)
      : visibleColumn(from, key.column.name, key.visibility, variables)
    if (dialect === 'postgres' && !key.fn && TEXT.has(key.column.type))
      value = sql`${value} collate "C"`
    return key.descending ? sql`${value} desc nulls first` : sql`${value} asc nulls last`
  })
}

/**
 * The primary key as the last ORDER BY item, for a stable order across pages, in the direction of
 * the last sort key so that an index on that key still serves the whole ORDER BY.
 */
export function keyOrder(plan: SortPlan, table: string, key: string): Expression<unknown> {
  const last = plan.keys[plan.keys.length - 1]
  return last?.descending ? sql`${sql.id(table, key)} desc` : sql`${sql.id(table, key)} asc`
}
