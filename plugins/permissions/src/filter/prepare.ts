// prepareFilter compiles an AST once for a dialect into both back ends; variables ($CURRENT_USER,
// $NOW, ...) are bound per execution, so one prepared filter serves every caller and instant.
import type { SqlDialect } from '@backlex/kernel'
import type { Expression, SqlBool } from 'kysely'
import { type FilterNode, variablesOf } from './ast.js'
import { compileMatcher, type Row } from './match.js'
import { compileSqlBuilder } from './sql.js'
import type { FilterVariables } from './variables.js'

export interface PreparedFilter {
  readonly ast: FilterNode
  readonly dialect: SqlDialect
  /** Variables the filter reads (`NOW`, `CURRENT_USER`, ...). */
  readonly variables: ReadonlySet<string>
  /**
   * The filter as a WHERE expression, every value a bound parameter. `table` qualifies columns
   * (needed when the query joins, and for relational filters).
   */
  toSql(variables: FilterVariables, options?: { table?: string }): Expression<SqlBool>
  /** The same answer as `toSql` for a row read from `dialect` (or a JSON row): a closure call. */
  matches(row: Row, variables: FilterVariables): boolean
}

/**
 * Compiles a parsed filter for a dialect: a SQL builder and a JS predicate, ready to bind.
 * @example
 * const prepared = prepareFilter(parseFilter({ owner: '$CURRENT_USER' }, schema), { dialect: 'sqlite' })
 * const vars = resolveVariables(principal, new Date())
 * await db.selectFrom('posts').selectAll().where(prepared.toSql(vars)).execute()
 * prepared.matches(row, vars)
 */
export function prepareFilter(ast: FilterNode, options: { dialect: SqlDialect }): PreparedFilter {
  const { dialect } = options
  const build = compileSqlBuilder(ast, dialect)
  const predicate = compileMatcher(ast, { dialect })
  const variables = variablesOf(ast)
  // A filter without variables has one SQL expression per table: built once, then shared
  // (Kysely expressions are immutable). Rules such as `status = published` are read on every
  // request, and building the expression was a measurable part of a one-item read.
  const fixed = variables.size === 0 ? new Map<string, Expression<SqlBool>>() : undefined
  const toSql = (values: FilterVariables, opts?: { table?: string }) => {
    if (!fixed) return build(values, { table: opts?.table, depth: 0 })
    const key = opts?.table ?? ''
    let expression = fixed.get(key)
    if (!expression) {
      expression = build(values, { table: opts?.table, depth: 0 })
      if (fixed.size < MAX_FIXED_TABLES) fixed.set(key, expression)
    }
    return expression
  }
  return Object.freeze({ ast, dialect, variables, toSql, matches: predicate })
}

/** Tables whose expression a variable-free filter keeps (a filter is about one collection). */
const MAX_FIXED_TABLES = 16

const prepared = {
  sqlite: new WeakMap<FilterNode, PreparedFilter>(),
  postgres: new WeakMap<FilterNode, PreparedFilter>(),
}

function preparedFor(ast: FilterNode, dialect: SqlDialect): PreparedFilter {
  const cache = prepared[dialect]
  let found = cache.get(ast)
  if (!found) {
    found = prepareFilter(ast, { dialect })
    cache.set(ast, found)
  }
  return found
}

/**
 * One-shot: the filter as a Kysely WHERE expression for these variables. Compilation is cached
 * per AST, so calling it again with the same AST only binds values.
 * @example
 * const where = compileFilter(ast, { dialect: 'postgres', variables, table: 'c_main_posts' })
 * await db.selectFrom('c_main_posts').selectAll().where(where).execute()
 */
export function compileFilter(
  ast: FilterNode,
  options: { dialect: SqlDialect; variables: FilterVariables; table?: string },
): Expression<SqlBool> {
  return preparedFor(ast, options.dialect).toSql(options.variables, { table: options.table })
}

/**
 * One-shot: whether a row passes the filter, with the answer SQL would give. Compilation is
 * cached per AST. `dialect` only matters for filters parsed without a schema.
 * @example
 * matchFilter(parseFilter({ status: { _in: ['draft', 'review'] } }), row, { variables })
 */
export function matchFilter(
  ast: FilterNode,
  row: Row,
  options: { dialect?: SqlDialect; variables: FilterVariables },
): boolean {
  return preparedFor(ast, options.dialect ?? 'postgres').matches(row, options.variables)
}
