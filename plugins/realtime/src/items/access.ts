// What one caller may see of a row: the rows its rules cover, and per field whether it is
// readable everywhere, nowhere, or only on rows a role granting the field covers (the same
// reading of rule grants as the items REST API, so a stream never shows more than a GET).
import type { SqlDialect } from '@backlex/kernel'
import {
  type AccessRules,
  type FilterVariables,
  fieldVisibility,
  type Row,
} from '@backlex/permissions'

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
          const visibility = fieldVisibility(rules, field, { primaryKey, dialect })
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
