// Filter variables ($CURRENT_USER, $CURRENT_ROLE, $CURRENT_ROLES, $NOW with offsets): how they
// are written, what they resolve to for a principal, and how $NOW(-1 day) moves in time.
import type { Principal } from '@backlex/kernel'
import { effectiveRoles } from '../roles.js'

export const VARIABLE_NAMES = ['CURRENT_USER', 'CURRENT_ROLE', 'CURRENT_ROLES', 'NOW'] as const
export type VariableName = (typeof VARIABLE_NAMES)[number]

/** The values variables take for one caller at one instant; see `resolveVariables`. */
export interface FilterVariables {
  /** `$CURRENT_USER.<path>` reads from here; `$CURRENT_USER` is `user.id`. Null when anonymous. */
  readonly user: Readonly<Record<string, unknown>> | null
  /** `$CURRENT_ROLE`: the caller's first role. */
  readonly role: string | null
  /** `$CURRENT_ROLES`: every role the caller holds, built-in ones included. */
  readonly roles: readonly string[]
  /** `$NOW`. */
  readonly now: Date
}

export type TimeUnit =
  | 'millisecond'
  | 'second'
  | 'minute'
  | 'hour'
  | 'day'
  | 'week'
  | 'month'
  | 'year'

/** `$NOW(-1 day)`: amount is signed. */
export interface NowOffset {
  readonly amount: number
  readonly unit: TimeUnit
}

/** A variable as written in a filter, e.g. `$CURRENT_USER.team.id` or `$NOW(+2 hours)`. */
export interface VariableReference {
  readonly kind: 'variable'
  readonly name: VariableName
  /** Path below `$CURRENT_USER`, e.g. `['team', 'id']`. */
  readonly path: readonly string[]
  readonly offset: NowOffset | null
  /** As written, for messages. */
  readonly source: string
}

const UNITS: Record<string, TimeUnit> = {
  ms: 'millisecond',
  millisecond: 'millisecond',
  milliseconds: 'millisecond',
  s: 'second',
  sec: 'second',
  second: 'second',
  seconds: 'second',
  min: 'minute',
  minute: 'minute',
  minutes: 'minute',
  h: 'hour',
  hour: 'hour',
  hours: 'hour',
  d: 'day',
  day: 'day',
  days: 'day',
  w: 'week',
  week: 'week',
  weeks: 'week',
  month: 'month',
  months: 'month',
  y: 'year',
  year: 'year',
  years: 'year',
}

const UNIT_MS: Partial<Record<TimeUnit, number>> = {
  millisecond: 1,
  second: 1000,
  minute: 60_000,
  hour: 3_600_000,
  day: 86_400_000,
  week: 604_800_000,
}

/** Strings that are meant as variables: `$` then an upper-case name. `$5` stays a literal. */
const LOOKS_LIKE_VARIABLE = /^\$[A-Z_]/
const VARIABLE = /^\$([A-Z_]+)(?:\.([A-Za-z0-9_]+(?:\.[A-Za-z0-9_]+)*))?$/
const NOW_WITH_OFFSET = /^\$NOW\(\s*([+-]?)\s*(\d{1,9})\s*([A-Za-z]+)\s*\)$/

export function looksLikeVariable(value: unknown): value is string {
  return typeof value === 'string' && LOOKS_LIKE_VARIABLE.test(value)
}

/**
 * Parses a variable reference; returns an error message instead when it is not one we know.
 * @example
 * parseVariable('$NOW(-1 day)') // { kind: 'variable', name: 'NOW', offset: { amount: -1, unit: 'day' }, ... }
 */
export function parseVariable(source: string): VariableReference | string {
  const now = NOW_WITH_OFFSET.exec(source)
  if (now) {
    const [, sign, digits, unitName] = now
    const unit = UNITS[(unitName ?? '').toLowerCase()]
    if (!unit) {
      return `unknown time unit "${unitName}" in ${source}; use ${[...new Set(Object.values(UNITS))].join(', ')}`
    }
    const amount = Number(digits) * (sign === '-' ? -1 : 1)
    return { kind: 'variable', name: 'NOW', path: [], offset: { amount, unit }, source }
  }
  const m = VARIABLE.exec(source)
  const name = m?.[1]
  if (!m || !name || !(VARIABLE_NAMES as readonly string[]).includes(name)) {
    return `unknown variable ${source}; known variables: ${VARIABLE_NAMES.map((v) => `$${v}`).join(', ')}`
  }
  const path = m[2] ? m[2].split('.') : []
  if (path.length > 0 && name !== 'CURRENT_USER') {
    return `${source}: only $CURRENT_USER has fields (e.g. $CURRENT_USER.id)`
  }
  if (path.some((p) => p === '__proto__' || p === 'constructor' || p === 'prototype')) {
    return `${source}: "${path.join('.')}" is not a valid path`
  }
  return { kind: 'variable', name: name as VariableName, path, offset: null, source }
}

/** Adds months the way calendars do: Jan 31 + 1 month is the last day of February. */
function addMonths(ms: number, months: number): number {
  const d = new Date(ms)
  const day = d.getUTCDate()
  d.setUTCDate(1)
  d.setUTCMonth(d.getUTCMonth() + months)
  const last = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 0)).getUTCDate()
  d.setUTCDate(Math.min(day, last))
  return d.getTime()
}

/**
 * Moves an instant by an offset, in UTC; months and years by the calendar.
 * @example
 * shiftTime(Date.parse('2024-03-31T00:00:00Z'), { amount: -1, unit: 'month' }) // 2024-02-29
 */
export function shiftTime(ms: number, offset: NowOffset): number {
  const unitMs = UNIT_MS[offset.unit]
  if (unitMs !== undefined) return ms + offset.amount * unitMs
  return addMonths(ms, offset.unit === 'year' ? offset.amount * 12 : offset.amount)
}

/**
 * The value of a variable for the given variables; arrays for `$CURRENT_ROLES` (and for a
 * `$CURRENT_USER.<path>` that holds an array), null when the path leads nowhere.
 */
export function evaluateVariable(ref: VariableReference, variables: FilterVariables): unknown {
  switch (ref.name) {
    case 'NOW':
      return ref.offset ? new Date(shiftTime(variables.now.getTime(), ref.offset)) : variables.now
    case 'CURRENT_ROLE':
      return variables.role
    case 'CURRENT_ROLES':
      return variables.roles
    case 'CURRENT_USER': {
      const path = ref.path.length === 0 ? ['id'] : ref.path
      let current: unknown = variables.user
      for (const key of path) {
        if (current === null || typeof current !== 'object' || !Object.hasOwn(current, key))
          return null
        current = (current as Record<string, unknown>)[key]
      }
      return current ?? null
    }
  }
}

/**
 * The variables of a caller at an instant: `$CURRENT_USER` is the user's id (the key's owner for
 * API keys), its fields come from `principal.attributes`; `$CURRENT_ROLES` includes the built-in
 * roles the caller holds (`public`, `authenticated`).
 * @example
 * const variables = resolveVariables(ctx.principal, new Date())
 * matchFilter(ast, row, { variables })
 */
export function resolveVariables(principal: Principal, now: Date = new Date()): FilterVariables {
  const userId = principal.type === 'user' ? (principal.id ?? principal.userId) : principal.userId
  const user =
    principal.type === 'anonymous' || userId === null
      ? null
      : Object.freeze({ ...(principal.attributes ?? {}), id: userId })
  const roles = effectiveRoles(principal)
  return Object.freeze({
    user,
    role: principal.roles[0] ?? roles[0] ?? null,
    roles: Object.freeze(roles),
    now,
  })
}
