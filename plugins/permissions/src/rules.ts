// What a caller may do on a collection: the union of the rules of every role it holds.
import type { SqlDialect } from '@backlex/kernel'
import type { PreparedFilter } from './filter/prepare.js'
import { prepareFilter } from './filter/prepare.js'
import {
  evaluateVariable,
  type FilterVariables,
  looksLikeVariable,
  parseVariable,
} from './filter/variables.js'

/** One role's rule for an action on a collection, compiled. */
export interface Grant {
  readonly role: string
  /** Rows it covers; null: every row. */
  readonly filter: PreparedFilter | null
  readonly fields: '*' | readonly string[]
  /** A check on new values; null: none. */
  readonly validation: PreparedFilter | null
  readonly presets: Readonly<Record<string, unknown>>
}

/**
 * The union of the grants of a caller's roles. A row passes if any role's filter lets it
 * through; a field is visible if any role lists it. Use `grants` where fields must depend on
 * which role let a row through.
 */
export interface AccessRules {
  /** Rows the caller may act on; null: every row. */
  readonly filter: PreparedFilter | null
  /** Fields the caller may read or write. */
  readonly fields: '*' | readonly string[]
  /** New values must pass this (create, update); null: no check. */
  readonly validation: PreparedFilter | null
  /** Defaults for new values; resolve variables in them with `resolvePresets`. */
  readonly presets: Readonly<Record<string, unknown>>
  readonly grants: readonly Grant[]
}

/** What admins get: everything. */
export const ADMIN_RULES: AccessRules = Object.freeze({
  filter: null,
  fields: '*',
  validation: null,
  presets: Object.freeze({}),
  grants: Object.freeze([]),
})

function union(filters: readonly (PreparedFilter | null)[], dialect: SqlDialect) {
  if (filters.some((f) => f === null)) return null
  // Roles often repeat a rule (`public` and `reader` both seeing published rows): an OR of two
  // equal filters costs every query twice the SQL for the same rows.
  const seen = new Set<string>()
  const present = (filters as readonly PreparedFilter[]).filter((f) => {
    const key = JSON.stringify(f.ast)
    if (seen.has(key)) return false
    seen.add(key)
    return true
  })
  if (present.length === 1) return present[0] ?? null
  return prepareFilter({ kind: 'or', children: present.map((f) => f.ast) }, { dialect })
}

/**
 * Combines grants (listed in role precedence order) into one set of rules; null when there is
 * none, since access is denied by default.
 * @example
 * combineGrants([editorGrant, publicGrant], 'sqlite')?.fields // union of both field lists
 */
export function combineGrants(grants: readonly Grant[], dialect: SqlDialect): AccessRules | null {
  if (grants.length === 0) return null
  let fields: '*' | string[] = []
  for (const grant of grants) {
    if (grant.fields === '*') {
      fields = '*'
      break
    }
    for (const field of grant.fields) if (!fields.includes(field)) fields.push(field)
  }
  const presets: Record<string, unknown> = {}
  // Earlier roles win: assign in reverse so the first role's value is written last.
  for (const grant of [...grants].reverse()) Object.assign(presets, grant.presets)
  return Object.freeze({
    filter: union(
      grants.map((g) => g.filter),
      dialect,
    ),
    fields: Object.freeze(fields) as '*' | readonly string[],
    validation: union(
      grants.map((g) => g.validation),
      dialect,
    ),
    presets: Object.freeze(presets),
    grants: Object.freeze([...grants]),
  })
}

/** Where a field is readable: on every row the caller may see, on none, or on rows matching `filter`. */
export type FieldVisibility =
  | { readonly kind: 'all' }
  | { readonly kind: 'none' }
  | { readonly kind: 'where'; readonly filter: PreparedFilter }

const VISIBLE: FieldVisibility = Object.freeze({ kind: 'all' })
const HIDDEN: FieldVisibility = Object.freeze({ kind: 'none' })
const visibilities = new WeakMap<AccessRules, Map<string, FieldVisibility>>()

/**
 * Where `field` is readable under `rules`, as every surface must read the grants: a field one
 * of the caller's roles grants on every row that role covers (or that every role grants) is
 * readable wherever the caller sees rows; a field only some roles grant is readable only on the
 * rows those roles cover (`where`); a field no role grants, nowhere. The primary key always is
 * (it addresses the row). Remembered per rules object, so `where` filters are built once.
 * @example
 * fieldVisibility(rules, 'salary', { primaryKey: 'id', dialect: 'sqlite' }) // { kind: 'none' }
 */
export function fieldVisibility(
  rules: AccessRules,
  field: string,
  options: { primaryKey: string; dialect: SqlDialect },
): FieldVisibility {
  if (field === options.primaryKey) return VISIBLE
  if (rules.grants.length === 0) {
    return rules.fields === '*' || rules.fields.includes(field) ? VISIBLE : HIDDEN
  }
  let known = visibilities.get(rules)
  if (!known) {
    known = new Map()
    visibilities.set(rules, known)
  }
  const hit = known.get(field)
  if (hit) return hit
  const granting = rules.grants.filter((g) => g.fields === '*' || g.fields.includes(field))
  let visibility: FieldVisibility
  if (granting.length === 0) visibility = HIDDEN
  else if (granting.length === rules.grants.length || granting.some((g) => g.filter === null)) {
    visibility = VISIBLE
  } else {
    const filter = union(
      granting.map((g) => g.filter),
      options.dialect,
    ) as PreparedFilter
    visibility = Object.freeze({ kind: 'where', filter })
  }
  known.set(field, visibility)
  return visibility
}

/**
 * Replaces variables in preset values (`"$CURRENT_USER"`, `"$NOW"`) with their values; `$NOW`
 * becomes an ISO string.
 * @example
 * resolvePresets({ owner: '$CURRENT_USER', status: 'draft' }, variables) // { owner: 'u1', status: 'draft' }
 */
export function resolvePresets(
  presets: Readonly<Record<string, unknown>>,
  variables: FilterVariables,
): Record<string, unknown> {
  const out: Record<string, unknown> = {}
  for (const [key, value] of Object.entries(presets)) {
    const ref = looksLikeVariable(value) ? parseVariable(value) : undefined
    if (ref === undefined || typeof ref === 'string') {
      out[key] = value
      continue
    }
    const resolved = evaluateVariable(ref, variables)
    out[key] = resolved instanceof Date ? resolved.toISOString() : resolved
  }
  return out
}
