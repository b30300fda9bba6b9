// What one caller may see of a row: the rows its rules cover, and per field whether it is
// readable everywhere, nowhere, or only on rows a role granting the field covers (the same
// reading of rule grants as the items REST API, so a stream never shows more than a GET).
import type { SqlDialect } from '@backlex/kernel'
import {
  type AccessRules,
  type FilterNode,
  type FilterVariables,
  type PreparedFilter,
  prepareFilter,
  type Row,
} from '@backlex/permissions'

export type Visibility =
  | { readonly kind: 'all' }
  | { readonly kind: 'none' }
  | { readonly kind: 'where'; readonly filter: PreparedFilter }

const ALL: Visibility = Object.freeze({ kind: 'all' })
const NONE: Visibility = Object.freeze({ kind: 'none' })

const memo = new WeakMap<AccessRules, Map<string, Visibility>>()

/**
 * Where `field` is readable under `rules`; the primary key always is (it addresses the row).
 * @example
 * fieldVisibility(rules, 'salary', 'id', 'sqlite') // { kind: 'none' } when no role grants it
 */
export function fieldVisibility(
  rules: AccessRules,
  field: string,
  primaryKey: string,
  dialect: SqlDialect,
): Visibility {
  if (field === primaryKey) return ALL
  if (rules.grants.length === 0) {
    return rules.fields === '*' || rules.fields.includes(field) ? ALL : NONE
  }
  let known = memo.get(rules)
  if (!known) {
    known = new Map()
    memo.set(rules, known)
  }
  const hit = known.get(field)
  if (hit) return hit
  const granting = rules.grants.filter((g) => g.fields === '*' || g.fields.includes(field))
  let visibility: Visibility
  if (granting.length === 0) visibility = NONE
  else if (granting.length === rules.grants.length || granting.some((g) => g.filter === null)) {
    visibility = ALL
  } else {
    const filters = granting.map((g) => g.filter as PreparedFilter)
    const ast: FilterNode =
      filters.length === 1
        ? (filters[0] as PreparedFilter).ast
        : { kind: 'or', children: filters.map((f) => f.ast) }
    visibility = { kind: 'where', filter: prepareFilter(ast, { dialect }) }
  }
  known.set(field, visibility)
  return visibility
}

/** A caller's view of rows: its rules bound to its variables for one delivery. */
export interface RowAccess {
  readonly rules: AccessRules
  readonly variables: FilterVariables
  /** The row as the caller may see it (readable fields only), or null when it may not see it. */
  visible(row: Row): Row | null
}

/**
 * Binds rules to a caller's variables. `visible` is memoised per row object, so a row checked
 * for many subscribers with the same rules is projected once.
 * @example
 * const access = rowAccess(rules, variables, 'id', 'postgres')
 * access.visible({ id: 1, title: 'Hi', salary: 10 }) // { id: 1, title: 'Hi' }
 */
export function rowAccess(
  rules: AccessRules,
  variables: FilterVariables,
  primaryKey: string,
  dialect: SqlDialect,
): RowAccess {
  const seen = new WeakMap<Row, Row | null>()
  return {
    rules,
    variables,
    visible(row) {
      const cached = seen.get(row)
      if (cached !== undefined) return cached
      let result: Row | null = null
      if (!rules.filter || rules.filter.matches(row, variables)) {
        const out: Record<string, unknown> = {}
        for (const field of Object.keys(row)) {
          const visibility = fieldVisibility(rules, field, primaryKey, dialect)
          if (
            visibility.kind === 'all' ||
            (visibility.kind === 'where' && visibility.filter.matches(row, variables))
          ) {
            out[field] = row[field]
          }
        }
        result = out
      }
      seen.set(row, result)
      return result
    },
  }
}
