// The SQL back end: a filter AST -> a builder that, given the variables of one execution, returns
// a Kysely WHERE expression with every value bound as a parameter. Text compares by code point
// (BINARY on SQLite, COLLATE "C" on PostgreSQL) and folds case as the matcher does (foldCase).
import type { SqlDialect } from '@backlex/kernel'
import { type RawBuilder, type SqlBool, sql } from 'kysely'
import { PermissionsErrors } from '../errors.js'
import type { ConditionNode, FilterNode, RelationNode } from './ast.js'
import {
  type CanonicalValue,
  domainOf,
  type FieldType,
  formatInstant,
  type ValueDomain,
} from './field-types.js'
import { dateFunctionSql } from './functions.js'
import { nullRowMatcher } from './match.js'
import { listGetter, operandGetter } from './operands.js'
import { TEXT_OPS } from './parse.js'
import { codePointLength, escapeLike, foldCase, foldReplacements } from './text.js'
import type { FilterVariables } from './variables.js'

type Sql = RawBuilder<SqlBool>

/** Where a builder runs: the table (or alias) columns belong to, and the relation nesting depth. */
export interface SqlScope {
  table: string | undefined
  depth: number
}

export type SqlBuilder = (variables: FilterVariables, scope: SqlScope) => Sql

const TRUE: Sql = sql<SqlBool>`1 = 1`
const FALSE: Sql = sql<SqlBool>`1 = 0`
const ORDER_SQL = { _lt: sql`<`, _lte: sql`<=`, _gt: sql`>`, _gte: sql`>=` } as const
// Beyond this, a JavaScript number no longer fits PostgreSQL's bigint.
const BIGINT_LIMIT = 9.2e18

const STRING_DOMAINS: ReadonlySet<ValueDomain> = new Set([
  'text',
  'uuid',
  'date',
  'time',
  'instant',
])

/**
 * Compiles a filter into a SQL builder for one dialect; build once, call per execution.
 * @example
 * const where = compileSqlBuilder(ast, 'sqlite')
 * db.selectFrom('posts').selectAll().where(where(variables, { table: 'posts', depth: 0 }))
 */
export function compileSqlBuilder(node: FilterNode, dialect: SqlDialect): SqlBuilder {
  switch (node.kind) {
    case 'and':
    case 'or': {
      const parts = node.children.map((child) => compileSqlBuilder(child, dialect))
      const and = node.kind === 'and'
      if (parts.length === 0) return () => (and ? TRUE : FALSE)
      if (parts.length === 1) return parts[0] as SqlBuilder
      const separator = and ? sql` and ` : sql` or `
      return (vars, scope) =>
        sql<SqlBool>`(${sql.join(
          parts.map((p) => p(vars, scope)),
          separator,
        )})`
    }
    case 'relation':
      return relationBuilder(node, dialect)
    case 'condition':
      return conditionBuilder(node, dialect)
  }
}

function relationBuilder(node: RelationNode, dialect: SqlDialect): SqlBuilder {
  if (node.quantifier === 'count') return countBuilder(node, dialect)
  const inner = compileSqlBuilder(node.filter, dialect)
  const reach = node.reach ? compileSqlBuilder(node.reach, dialect) : undefined
  const follow = node.followWhen ? compileSqlBuilder(node.followWhen, dialect) : undefined
  const { relation } = node
  // Many-to-one: with no related row (or none it may reach) the filter reads a row of NULLs, as a
  // LEFT JOIN would. That answer is the same for every such row, so it is computed here, and
  // when it is true the rows without a related row are added with a NOT EXISTS.
  const onMissing =
    node.quantifier === 'one' && relation.missing !== 'no-match'
      ? nullRowMatcher(node.filter, { dialect })
      : undefined
  return (vars, scope) => {
    if (scope.table === undefined) throw PermissionsErrors.RELATION_NEEDS_TABLE()
    const alias = `bx_rel_${scope.depth + 1}`
    const inScope = { table: alias, depth: scope.depth + 1 }
    const reachable = reach ? reach(vars, inScope) : undefined
    // On the outer row, inside the subquery: where it is false or unknown, no row is related.
    const followed = follow ? follow(vars, scope) : undefined
    const related = (where: Sql | undefined) => {
      const link = sql<SqlBool>`${sql.id(alias, relation.foreignColumn)} = ${sql.id(scope.table as string, relation.localColumn)}`
      const conditions = [link, followed, reachable, where].filter((c) => c !== undefined)
      return sql<SqlBool>`exists (select 1 from ${sql.table(relation.table)} as ${sql.id(alias)} where ${sql.join(conditions, sql` and `)})`
    }
    const exists = related(inner(vars, inScope))
    if (node.quantifier === 'none') return sql<SqlBool>`not ${exists}`
    if (onMissing?.(vars)) return sql<SqlBool>`(${exists} or not ${related(undefined)})`
    return exists
  }
}

/** `count(field)`: the number of related rows matching the filter, compared as an integer. */
function countBuilder(node: RelationNode, dialect: SqlDialect): SqlBuilder {
  const inner = compileSqlBuilder(node.filter, dialect)
  const { relation } = node
  const count = node.count
  if (!count) throw PermissionsErrors.INVALID_FILTER(node.path, 'count() needs a condition')
  const subject = (vars: FilterVariables, scope: SqlScope): RawBuilder<unknown> => {
    if (scope.table === undefined) throw PermissionsErrors.RELATION_NEEDS_TABLE()
    const alias = `bx_rel_${scope.depth + 1}`
    const where = inner(vars, { table: alias, depth: scope.depth + 1 })
    return sql`(select count(*) from ${sql.table(relation.table)} as ${sql.id(alias)} where ${sql.id(alias, relation.foreignColumn)} = ${sql.id(scope.table, relation.localColumn)} and ${where})`
  }
  // The comparison is built per execution: its subject reads the variables of the related filter.
  return (vars, scope) => conditionBuilder(count, dialect, (at) => subject(vars, at))(vars, scope)
}

/** A canonical value as a bound parameter, cast where PostgreSQL cannot infer the type safely. */
function parameter(
  value: CanonicalValue,
  domain: ValueDomain,
  type: FieldType | null,
  dialect: SqlDialect,
): RawBuilder<unknown> {
  if (dialect === 'sqlite') {
    if (typeof value === 'boolean') return sql`${value ? 1 : 0}`
    if (domain === 'instant') return sql`${formatInstant(value as number)}`
    return sql`${value}`
  }
  switch (domain) {
    case 'uuid':
      return sql`cast(${value} as uuid)`
    case 'boolean':
      return sql`cast(${value} as boolean)`
    case 'date':
      return sql`cast(${value} as date)`
    case 'time':
      return sql`cast(${value} as time)`
    case 'instant':
      return sql`cast(${formatInstant(value as number)} as timestamptz)`
    case 'number': {
      const n = value as number
      if (type === 'float') return sql`cast(${n} as double precision)`
      if (type !== 'decimal' && Number.isInteger(n) && Math.abs(n) < BIGINT_LIMIT)
        return sql`cast(${n} as bigint)`
      return sql`cast(${n} as numeric)`
    }
    default:
      return sql`${value}`
  }
}

/** `subject`: what the condition compares instead of its field (a count of related rows). */
function conditionBuilder(
  node: ConditionNode,
  dialect: SqlDialect,
  subject?: (scope: SqlScope) => RawBuilder<unknown>,
): SqlBuilder {
  const { field, operator, operands, type } = node
  const domain = domainOf(type)
  const pg = dialect === 'postgres'
  const fieldColumn = (scope: SqlScope): RawBuilder<unknown> =>
    scope.table === undefined ? sql.id(field) : sql.id(scope.table, field)
  const { fn } = node
  const column =
    subject ??
    (fn
      ? (scope: SqlScope): RawBuilder<unknown> =>
          dateFunctionSql(fn.name, fieldColumn(scope), fn.type, dialect)
      : fieldColumn)
  // Equality and ordering compare by code point: BINARY on SQLite; "C" on PostgreSQL for
  // ordering (equality under a deterministic collation is already byte equality).
  const eqColumn = (scope: SqlScope) =>
    !pg && STRING_DOMAINS.has(domain) ? sql`${column(scope)} collate binary` : column(scope)
  const orderColumn = (scope: SqlScope) =>
    pg && domain === 'text' ? sql`${column(scope)} collate "C"` : eqColumn(scope)
  const asText = (scope: SqlScope) =>
    pg && domain !== 'text' ? sql`cast(${column(scope)} as text)` : column(scope)
  const param = (value: CanonicalValue) => parameter(value, domain, type, dialect)

  switch (operator) {
    case '_null':
      return (_, scope) => sql<SqlBool>`${column(scope)} is null`
    case '_nnull':
      return (_, scope) => sql<SqlBool>`${column(scope)} is not null`
    case '_empty':
      return domain === 'text' || domain === 'untyped'
        ? (_, scope) => sql<SqlBool>`(${column(scope)} is null or ${asText(scope)} = '')`
        : (_, scope) => sql<SqlBool>`${column(scope)} is null`
    case '_nempty':
      return domain === 'text' || domain === 'untyped'
        ? (_, scope) => sql<SqlBool>`(${column(scope)} is not null and ${asText(scope)} <> '')`
        : (_, scope) => sql<SqlBool>`${column(scope)} is not null`
    case '_in':
    case '_nin': {
      const list = listGetter(operands, domain)
      const negate = operator === '_nin'
      return (vars, scope) => {
        const { values, hasNull } = list(vars)
        // Mirrors SQL on NULL items: `x IN (1, NULL)` is true only for 1; `x NOT IN (1, NULL)` never.
        if (values.length === 0) return negate && !hasNull ? TRUE : FALSE
        if (negate && hasNull) return FALSE
        const items = sql.join(values.map(param))
        return negate
          ? sql<SqlBool>`${eqColumn(scope)} not in (${items})`
          : sql<SqlBool>`${eqColumn(scope)} in (${items})`
      }
    }
    case '_between':
    case '_nbetween': {
      const lo = operandGetter(operands[0] ?? { kind: 'value', value: 0 }, domain)
      const hi = operandGetter(operands[1] ?? { kind: 'value', value: 0 }, domain)
      if (operator === '_between') {
        return (vars, scope) => {
          const a = lo(vars)
          const b = hi(vars)
          if (a === null || b === null) return FALSE
          const c = orderColumn(scope)
          return sql<SqlBool>`(${c} >= ${param(a)} and ${c} <= ${param(b)})`
        }
      }
      // NOT BETWEEN is `x < a OR x > b`; with a NULL bound only the other side can be true.
      return (vars, scope) => {
        const a = lo(vars)
        const b = hi(vars)
        const c = orderColumn(scope)
        if (a !== null && b !== null)
          return sql<SqlBool>`(${c} < ${param(a)} or ${c} > ${param(b)})`
        if (a !== null) return sql<SqlBool>`${c} < ${param(a)}`
        if (b !== null) return sql<SqlBool>`${c} > ${param(b)}`
        return FALSE
      }
    }
    default:
      break
  }

  if (TEXT_OPS.has(operator)) return textBuilder(node, dialect, column, asText)
  const get = operandGetter(operands[0] ?? { kind: 'value', value: '' }, domain)
  if (operator === '_eq' || operator === '_neq') {
    const op = operator === '_eq' ? sql`=` : sql`<>`
    return (vars, scope) => {
      const value = get(vars)
      return value === null ? FALSE : sql<SqlBool>`${eqColumn(scope)} ${op} ${param(value)}`
    }
  }
  const op = ORDER_SQL[operator as keyof typeof ORDER_SQL]
  return (vars, scope) => {
    const value = get(vars)
    return value === null ? FALSE : sql<SqlBool>`${orderColumn(scope)} ${op} ${param(value)}`
  }
}

function textBuilder(
  node: ConditionNode,
  dialect: SqlDialect,
  column: (scope: SqlScope) => RawBuilder<unknown>,
  asText: (scope: SqlScope) => RawBuilder<unknown>,
): SqlBuilder {
  const { operator } = node
  const negate = operator.startsWith('_n')
  const fold = /^_n?i/.test(operator)
  const shape = operator.includes('contains')
    ? 'contains'
    : operator.includes('starts_with')
      ? 'starts'
      : 'ends'
  const get = operandGetter(node.operands[0] ?? { kind: 'value', value: '' }, 'text')
  const wrap = (test: Sql): Sql => (negate ? sql<SqlBool>`not (${test})` : test)

  if (dialect === 'postgres') {
    // LIKE with every %, _ and \ of the value escaped; lower() under ICU's root locale folds as
    // foldCase does, whatever the database's own collation, then LIKE compares bytes.
    return (vars, scope) => {
      const value = get(vars)
      if (typeof value !== 'string') return FALSE
      const text = fold ? foldCase(value) : value
      const escaped = escapeLike(text)
      const pattern =
        shape === 'contains' ? `%${escaped}%` : shape === 'starts' ? `${escaped}%` : `%${escaped}`
      const subject = fold
        ? sql`lower(${asText(scope)} collate "und-x-icu") collate "C"`
        : asText(scope)
      return wrap(sql<SqlBool>`${subject} like ${pattern} escape '\\'`)
    }
  }
  // SQLite: LIKE would fold ASCII case and depends on PRAGMA case_sensitive_like, so use
  // instr/substr, which compare exactly. @backlex/sqlite replaces lower() with foldCase on
  // node:sqlite; where it cannot (bun:sqlite, D1) SQLite's own lower() folds A-Z only, so the
  // characters above ASCII that fold into the needle are replaced by their lower case first
  // (a no-op under the Unicode lower()).
  return (vars, scope) => {
    const value = get(vars)
    if (typeof value !== 'string') return FALSE
    const needle = fold ? foldCase(value) : value
    let subject = column(scope)
    if (fold) {
      for (const [from, to] of foldReplacements(value))
        subject = sql`replace(${subject}, ${from}, ${to})`
      subject = sql`lower(${subject})`
    }
    if (shape === 'contains') return wrap(sql<SqlBool>`instr(${subject}, ${needle}) > 0`)
    if (shape === 'starts') return wrap(sql<SqlBool>`instr(${subject}, ${needle}) = 1`)
    const length = codePointLength(needle)
    // Every non-NULL string ends with ''; substr(x, -0) would not say so.
    if (length === 0) return negate ? FALSE : sql<SqlBool>`${column(scope)} is not null`
    return wrap(sql<SqlBool>`substr(${subject}, ${-length}) = ${needle}`)
  }
}
