// Field types and the value domain each compares in. A filter value and a row value are both
// brought to the domain's canonical form, so SQL and the matcher compare the same things.

/** The field types of a collection schema. */
export const FIELD_TYPES = [
  'string',
  'text',
  'integer',
  'bigInteger',
  'float',
  'decimal',
  'boolean',
  'date',
  'time',
  'datetime',
  'timestamp',
  'uuid',
  'json',
  'enum',
] as const

export type FieldType = (typeof FIELD_TYPES)[number]

/** What the filter needs to know about a field. */
export interface FieldDefinition {
  readonly type: FieldType
}

/** The fields of a collection, by name. */
export type FilterSchema = Readonly<Record<string, FieldDefinition>>

/**
 * How values of a field compare. `untyped` is used when no schema was given: values compare
 * like to like (string with string, number with number) and the back ends agree only where the
 * column holds values of the filter value's type.
 */
export type ValueDomain =
  | 'text'
  | 'uuid'
  | 'number'
  | 'boolean'
  | 'date'
  | 'time'
  | 'instant'
  | 'json'
  | 'untyped'

/** A value in its domain's canonical form: instants are epoch milliseconds, dates `YYYY-MM-DD`. */
export type CanonicalValue = string | number | boolean

export function domainOf(type: FieldType | null): ValueDomain {
  switch (type) {
    case null:
      return 'untyped'
    case 'string':
    case 'text':
    case 'enum':
      return 'text'
    case 'uuid':
      return 'uuid'
    case 'integer':
    case 'bigInteger':
    case 'float':
    case 'decimal':
      return 'number'
    case 'boolean':
      return 'boolean'
    case 'date':
      return 'date'
    case 'time':
      return 'time'
    case 'datetime':
    case 'timestamp':
      return 'instant'
    case 'json':
      return 'json'
  }
}

/** Words for error messages: "expected <describe>". */
export function describeDomain(domain: ValueDomain): string {
  switch (domain) {
    case 'text':
      return 'a string'
    case 'uuid':
      return 'a UUID'
    case 'number':
      return 'a number'
    case 'boolean':
      return 'a boolean'
    case 'date':
      return 'a date (YYYY-MM-DD)'
    case 'time':
      return 'a time (HH:MM or HH:MM:SS)'
    case 'instant':
      return 'an ISO 8601 date-time'
    case 'json':
      return 'nothing (JSON fields only support _null, _nnull, _empty and _nempty)'
    case 'untyped':
      return 'a string, number or boolean'
  }
}

const NUMERIC = /^\s*[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?\s*$/
const UUID = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/
const TIME = /^([01]\d|2[0-3]):([0-5]\d)(?::([0-5]\d))?$/
const INSTANT =
  /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?)?(Z|[+-]\d{2}:?\d{2})?$/i
// Years 1..9999: PostgreSQL has no year 0, and SQLite compares ISO strings, which need 4 digits.
// 0001-01-01T00:00:00Z (Date.UTC would read year 1 as 1901).
export const MIN_INSTANT = -62_135_596_800_000
export const MAX_INSTANT = Date.UTC(9999, 11, 31, 23, 59, 59, 999)

const pad = (n: number, width = 2) => String(n).padStart(width, '0')

function validDate(y: number, m: number, d: number): boolean {
  if (y < 1 || m < 1 || m > 12 || d < 1) return false
  const t = new Date(Date.UTC(2000, m - 1, d))
  t.setUTCFullYear(y)
  return t.getUTCMonth() === m - 1 && t.getUTCDate() === d
}

/** Parses an ISO 8601 date or date-time; no offset means UTC. Null when invalid or out of range. */
export function parseInstant(value: string): number | null {
  const m = INSTANT.exec(value)
  if (!m) return null
  const [, y, mo, d, h, mi, s, frac, zone] = m
  if (!validDate(Number(y), Number(mo), Number(d))) return null
  if (h !== undefined && (Number(h) > 23 || Number(mi) > 59 || Number(s ?? 0) > 59)) return null
  const ms = frac ? Math.floor(Number(`0.${frac}`) * 1000 + 1e-6) : 0
  const base = new Date(
    Date.UTC(2000, Number(mo) - 1, Number(d), Number(h ?? 0), Number(mi ?? 0), Number(s ?? 0), ms),
  )
  base.setUTCFullYear(Number(y))
  let t = base.getTime()
  if (zone && zone.toUpperCase() !== 'Z') {
    const sign = zone.startsWith('-') ? -1 : 1
    const digits = zone.slice(1).replace(':', '')
    t -= sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2))) * 60_000
  }
  return t >= MIN_INSTANT && t <= MAX_INSTANT ? t : null
}

let lastInstantText = ''
let lastInstant: number | null = null

/** The canonical ISO form SQLite stores instants in: `YYYY-MM-DDTHH:MM:SS.sssZ`. */
export function formatInstant(ms: number): string {
  return new Date(ms).toISOString()
}

/** `YYYY-MM-DD` of an instant, in UTC. */
export function utcDate(ms: number): string {
  const d = new Date(ms)
  return `${pad(d.getUTCFullYear(), 4)}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`
}

/** `HH:MM:SS` of an instant, in UTC. */
export function utcTime(ms: number): string {
  const d = new Date(ms)
  return `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`
}

function finite(n: number): number | undefined {
  return Number.isFinite(n) ? n : undefined
}

/**
 * Brings a filter value (a literal, or a variable's value at execution) into `domain`'s canonical
 * form; undefined when it does not belong there (a literal then fails with INVALID_FILTER, a
 * variable compares as NULL and matches nothing).
 */
export function coerceValue(domain: ValueDomain, value: unknown): CanonicalValue | undefined {
  if (value === null || value === undefined) return undefined
  switch (domain) {
    case 'text':
      if (typeof value === 'string') return value
      if (typeof value === 'number') return finite(value) === undefined ? undefined : String(value)
      if (typeof value === 'bigint') return String(value)
      return undefined
    case 'uuid':
      return typeof value === 'string' && UUID.test(value) ? value.toLowerCase() : undefined
    case 'number':
      if (typeof value === 'number') return finite(value)
      if (typeof value === 'bigint') return finite(Number(value))
      if (typeof value === 'string' && NUMERIC.test(value)) return finite(Number(value))
      return undefined
    case 'boolean':
      if (typeof value === 'boolean') return value
      if (value === 'true' || value === 1) return true
      if (value === 'false' || value === 0) return false
      return undefined
    case 'date': {
      if (value instanceof Date) return instantOf(value.getTime(), utcDate)
      if (typeof value !== 'string') return undefined
      const m = DATE.exec(value)
      return m && validDate(Number(m[1]), Number(m[2]), Number(m[3])) ? value : undefined
    }
    case 'time': {
      if (value instanceof Date) return instantOf(value.getTime(), utcTime)
      if (typeof value !== 'string') return undefined
      const m = TIME.exec(value)
      return m ? `${m[1]}:${m[2]}:${m[3] ?? '00'}` : undefined
    }
    case 'instant':
      if (value instanceof Date) return instantOf(value.getTime(), (t) => t)
      return typeof value === 'string' ? (parseInstant(value) ?? undefined) : undefined
    case 'json':
      return undefined
    case 'untyped':
      if (typeof value === 'string' || typeof value === 'boolean') return value
      if (typeof value === 'number') return finite(value)
      if (typeof value === 'bigint') return finite(Number(value))
      if (value instanceof Date) return instantOf(value.getTime(), formatInstant)
      return undefined
  }
}

function instantOf<T>(ms: number, format: (ms: number) => T): T | undefined {
  return Number.isFinite(ms) && ms >= MIN_INSTANT && ms <= MAX_INSTANT ? format(ms) : undefined
}

/**
 * Reads a row value into `domain`'s canonical form, accepting what each driver returns:
 * SQLite's 0/1 booleans and ISO strings, pg's Date objects, numeric strings and bigints.
 * NULL, a missing field, or a value the column could not hold reads as null.
 */
export function rowReader(domain: ValueDomain): (value: unknown) => CanonicalValue | null {
  switch (domain) {
    case 'text':
      return (v) =>
        typeof v === 'string'
          ? v
          : typeof v === 'number' || typeof v === 'bigint'
            ? String(v)
            : null
    case 'uuid':
    case 'time':
      return (v) => (typeof v === 'string' ? v : null)
    case 'number':
      return (v) => {
        if (typeof v === 'number') return Number.isNaN(v) ? null : v
        if (typeof v === 'bigint') return Number(v)
        if (typeof v === 'string' && NUMERIC.test(v)) return Number(v)
        return null
      }
    case 'boolean':
      return (v) => {
        if (typeof v === 'boolean') return v
        if (v === 1 || v === 1n) return true
        if (v === 0 || v === 0n) return false
        return null
      }
    case 'date':
      return (v) => {
        if (typeof v === 'string') return v.length > 10 ? v.slice(0, 10) : v
        // pg turns a `date` into a Date at local midnight: its local fields are the date.
        if (v instanceof Date && !Number.isNaN(v.getTime()))
          return `${pad(v.getFullYear(), 4)}-${pad(v.getMonth() + 1)}-${pad(v.getDate())}`
        return null
      }
    case 'instant':
      return (v) => {
        if (v instanceof Date) {
          const t = v.getTime()
          return Number.isNaN(t) ? null : t
        }
        if (typeof v === 'string') {
          // Realtime reads the same event value for thousands of filters: remember the last one.
          if (v === lastInstantText) return lastInstant
          // The canonical ISO form parses natively; anything else goes through the strict parser.
          const t = v.length === 24 && v.endsWith('Z') ? Date.parse(v) : Number.NaN
          lastInstantText = v
          lastInstant = Number.isNaN(t) ? parseInstant(v) : t
          return lastInstant
        }
        return typeof v === 'number' && Number.isFinite(v) ? v : null
      }
    case 'json':
      // Only NULL-ness matters for JSON fields (a function comes from a prototype: no value).
      return (v) => (v === null || v === undefined || typeof v === 'function' ? null : 'json')
    case 'untyped':
      return (v) => {
        if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') return v
        if (typeof v === 'bigint') return Number(v)
        if (v instanceof Date) return formatInstant(v.getTime())
        return null
      }
  }
}
