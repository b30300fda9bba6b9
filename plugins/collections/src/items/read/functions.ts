// Function fields of the query language (`year(published_at)`, `count(comments)`) in `fields`,
// `sort` and `groupBy`: resolved against the caller's access like the field they read, and
// answered under Directus's key (`published_at_year`, `comments_count`).
import type { SqlDialect } from '@backlex/kernel'
import {
  type DateFunction,
  dateFunctionRefusal,
  dateFunctionSql,
  functionKey,
  isDateFunction,
  parseFunctionCall,
} from '@backlex/permissions'
import { type Expression, sql } from 'kysely'
import type { CollectionAccess, Visibility } from '../access.js'
import { ItemsErrors } from '../errors.js'
import type { ColumnModel, RelationModel, WorkspaceSchema } from '../model/model.js'
import type { AccessLoader } from './filter.js'
import { visibleColumn } from './sort.js'

interface FunctionBase {
  /** The answer key, e.g. `published_at_year`. */
  readonly key: string
  /** As written, e.g. `year(published_at)`. */
  readonly call: string
  /** Visibility of the field the function reads. */
  readonly visibility: Visibility
}

/** A date part of a date, date-time or time column. */
export interface DateFunctionColumn extends FunctionBase {
  readonly kind: 'date'
  readonly name: DateFunction
  readonly column: ColumnModel
  readonly dialect: SqlDialect
}

/** The number of related items (one-to-many or many-to-many) the caller may read. */
export interface CountColumn extends FunctionBase {
  readonly kind: 'count'
  readonly relation: Extract<RelationModel, { kind: 'o2m' | 'm2m' }>
  readonly target: CollectionAccess
  /** The primary key of the collection the function is read on. */
  readonly parentKey: string
}

export type FunctionColumn = DateFunctionColumn | CountColumn

/**
 * Resolves `fn(field)` on `access`'s collection; undefined when `entry` is not a function call.
 * A field the caller may not read is a 403 FIELD_FORBIDDEN, as when naming it directly.
 * @example
 * await functionColumn('year(published_at)', access, ctx, 'fields.0') // { kind: 'date', key: 'published_at_year', ... }
 */
export async function functionColumn(
  entry: string,
  access: CollectionAccess,
  ctx: { schema: WorkspaceSchema; load: AccessLoader },
  at: string,
): Promise<FunctionColumn | undefined> {
  const call = parseFunctionCall(entry)
  if (call === undefined) return undefined
  if (typeof call === 'string') throw ItemsErrors.INVALID_QUERY(at, call)
  const model = access.model
  const key = functionKey(call)
  if (isDateFunction(call.name)) {
    const column = model.columns.get(call.field)
    if (!column) {
      throw model.relations.has(call.field)
        ? ItemsErrors.INVALID_QUERY(at, `${call.name}() reads a date field, not a relation`)
        : ItemsErrors.UNKNOWN_FIELD(model.slug, call.field, at)
    }
    const refusal = dateFunctionRefusal(call.name, column.type)
    if (refusal) throw ItemsErrors.INVALID_QUERY(at, refusal)
    const visibility = access.require(call.field, at)
    return {
      kind: 'date',
      key,
      call: entry,
      name: call.name,
      column,
      visibility,
      dialect: ctx.schema.dialect,
    }
  }
  const relation = model.relations.get(call.field)
  if (!relation) {
    throw model.columns.has(call.field)
      ? ItemsErrors.INVALID_QUERY(
          at,
          'count() counts the items of a one-to-many or many-to-many field',
        )
      : ItemsErrors.UNKNOWN_FIELD(model.slug, call.field, at)
  }
  if (relation.kind === 'm2o') {
    throw ItemsErrors.INVALID_QUERY(
      at,
      'count() counts the items of a one-to-many or many-to-many field',
    )
  }
  const visibility = access.require(call.field, at)
  const target = await ctx.load(relation.target)
  if (!target)
    throw ItemsErrors.FIELD_FORBIDDEN(model.slug, call.field, at, 'read', relation.target)
  return {
    kind: 'count',
    key,
    call: entry,
    relation,
    target,
    visibility,
    parentKey: model.primaryKey.name,
  }
}

const COUNTED = 'bx_counted'
const LINK = 'bx_link'

/** The value of a function on rows of `table`: NULL where the field it reads is hidden. */
export function functionValue(
  fn: FunctionColumn,
  table: string,
  variables: CollectionAccess['variables'],
): Expression<unknown> {
  if (fn.kind === 'date') {
    const value = visibleColumn(table, fn.column.name, fn.visibility, variables)
    return dateFunctionSql(fn.name, value, fn.column.type, fn.dialect)
  }
  const { relation, target } = fn
  const model = target.model
  const readable = target.rows
    ? sql` and ${target.rows.toSql(target.variables, { table: COUNTED })}`
    : sql``
  const parent = sql.id(table, fn.parentKey)
  const count =
    relation.kind === 'o2m'
      ? sql`(select count(*) from ${sql.table(model.table)} as ${sql.id(COUNTED)} where ${sql.id(COUNTED, relation.foreignKey)} = ${parent}${readable})`
      : sql`(select count(*) from ${sql.table(relation.junction)} as ${sql.id(LINK)} join ${sql.table(model.table)} as ${sql.id(COUNTED)} on ${sql.id(COUNTED, model.primaryKey.name)} = ${sql.id(LINK, relation.targetColumn)} where ${sql.id(LINK, relation.sourceColumn)} = ${parent}${readable})`
  if (fn.visibility.kind !== 'where') return count
  return sql`case when ${fn.visibility.filter.toSql(variables, { table })} then ${count} end`
}

/** A function's value as read from either dialect: an integer, or null. */
export function decodeFunction(value: unknown): number | null {
  return value === null || value === undefined ? null : Number(value)
}
