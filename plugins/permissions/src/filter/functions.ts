// Date functions over a field (`year(published_at)`, Directus's function syntax): one definition
// compiled to SQL for each dialect and evaluated in JavaScript, so both back ends agree. All in UTC.
import type { SqlDialect } from '@backlex/kernel'
import { type Expression, type RawBuilder, sql } from 'kysely'
import type { FieldType } from './field-types.js'
import { parseInstant } from './field-types.js'

/** Functions that read a part of a date, date-time or time, as an integer. */
export const DATE_FUNCTIONS = [
  'year',
  'month',
  'week',
  'day',
  'weekday',
  'hour',
  'minute',
  'second',
] as const
export type DateFunction = (typeof DATE_FUNCTIONS)[number]

/** Every function of the query language: the date parts, and `count` of related items. */
export const FIELD_FUNCTIONS = [...DATE_FUNCTIONS, 'count'] as const
export type FieldFunction = (typeof FIELD_FUNCTIONS)[number]

const CALL = /^([a-z]+)\(([A-Za-z][A-Za-z0-9_]{0,62})\)$/
const DATE_SET: ReadonlySet<string> = new Set(DATE_FUNCTIONS)
const ALL_SET: ReadonlySet<string> = new Set(FIELD_FUNCTIONS)
const TIME_PARTS: ReadonlySet<DateFunction> = new Set(['hour', 'minute', 'second'])

/** A function applied to a field, as written `name(field)`. */
export interface FunctionCall {
  readonly name: FieldFunction
  readonly field: string
}

/**
 * Reads `name(field)`; undefined when the key is not a call. An unknown function name is returned
 * as a string so the caller can say which names exist.
 * @example
 * parseFunctionCall('year(published_at)') // { name: 'year', field: 'published_at' }
 * parseFunctionCall('title') // undefined
 */
export function parseFunctionCall(key: string): FunctionCall | string | undefined {
  if (!key.includes('(')) return undefined
  const m = CALL.exec(key)
  if (!m) return `"${key}" is not a field or a function call such as year(published_at)`
  const [, name, field] = m as unknown as [string, string, string]
  if (!ALL_SET.has(name)) {
    return `unknown function ${name}(); functions: ${FIELD_FUNCTIONS.join(', ')}`
  }
  return { name: name as FieldFunction, field }
}

export const isDateFunction = (name: string): name is DateFunction => DATE_SET.has(name)

/**
 * Whether a date function applies to a field type: every part of `datetime` and `timestamp`;
 * year to weekday of `date`; hour, minute and second of `time`. Null when it does, else the reason.
 */
export function dateFunctionRefusal(name: DateFunction, type: FieldType): string | null {
  if (type === 'datetime' || type === 'timestamp') return null
  const timePart = TIME_PARTS.has(name)
  if (type === (timePart ? 'time' : 'date')) return null
  const applies = timePart ? 'datetime, timestamp and time' : 'date, datetime and timestamp'
  return `${name}() applies to ${applies} fields, not ${type}`
}

/**
 * The key a function's value is answered under, as Directus names it: `year(published_at)` ->
 * `published_at_year`, `count(comments)` -> `comments_count`.
 */
export const functionKey = (call: FunctionCall): string => `${call.field}_${call.name}`

const SQLITE_PART: Record<Exclude<DateFunction, 'week'>, string> = {
  year: '%Y',
  month: '%m',
  day: '%d',
  weekday: '%w',
  hour: '%H',
  minute: '%M',
  second: '%S',
}
const PG_PART: Record<DateFunction, string> = {
  year: 'year',
  month: 'month',
  week: 'week',
  day: 'day',
  weekday: 'dow',
  hour: 'hour',
  minute: 'minute',
  second: 'second',
}

/**
 * A date function over a column as SQL giving an integer (NULL for NULL). Instants are read in
 * UTC; `week` is the ISO 8601 week (1-53, weeks start on Monday, week 1 holds the year's first
 * Thursday); `weekday` is 0 for Sunday to 6 for Saturday; `second` drops fractions.
 */
export function dateFunctionSql(
  name: DateFunction,
  column: Expression<unknown>,
  type: FieldType,
  dialect: SqlDialect,
): RawBuilder<number> {
  if (dialect === 'postgres') {
    // timestamptz: read its fields in UTC, whatever the session's time zone.
    const value =
      type === 'datetime' || type === 'timestamp' ? sql`(${column} at time zone 'UTC')` : column
    return sql<number>`cast(floor(extract(${sql.raw(PG_PART[name])} from ${value})) as integer)`
  }
  // SQLite stores ISO 8601 text, which its date functions read (a trailing Z included).
  if (name === 'week') {
    // The ISO week is the one of the week's Thursday: (day of year of that Thursday - 1) / 7 + 1.
    const thursday = sql`date(${column}, '-3 days', 'weekday 4')`
    return sql<number>`((cast(strftime('%j', ${thursday}) as integer) - 1) / 7 + 1)`
  }
  return sql<number>`cast(strftime(${sql.lit(SQLITE_PART[name])}, ${column}) as integer)`
}

const DAY = 86_400_000
const TIME = /^(\d{2}):(\d{2})(?::(\d{2}))?/

/** Epoch milliseconds of a row value (ISO text, `YYYY-MM-DD`, a Date, or epoch ms). */
function instantOf(value: unknown): number | null {
  if (value instanceof Date) {
    const t = value.getTime()
    return Number.isNaN(t) ? null : t
  }
  if (typeof value === 'number') return Number.isFinite(value) ? value : null
  if (typeof value === 'string') return parseInstant(value)
  return null
}

/** The ISO 8601 week of an instant (UTC). */
export function isoWeek(ms: number): number {
  const d = new Date(ms)
  const thursday = new Date(ms + (3 - ((d.getUTCDay() + 6) % 7)) * DAY)
  const start = new Date(0)
  start.setUTCFullYear(thursday.getUTCFullYear(), 0, 1)
  start.setUTCHours(0, 0, 0, 0)
  const dayOfYear = Math.floor((thursday.getTime() - start.getTime()) / DAY)
  return Math.floor(dayOfYear / 7) + 1
}

/**
 * A date function in JavaScript, with the SQL's answer: a row value of `type` (as either dialect
 * or a JSON row carries it) -> the integer, or null when the value is NULL or unreadable.
 */
export function dateFunctionValue(
  name: DateFunction,
  type: FieldType,
): (value: unknown) => number | null {
  if (type === 'time') {
    const index = name === 'hour' ? 1 : name === 'minute' ? 2 : 3
    return (value) => {
      const m = typeof value === 'string' ? TIME.exec(value) : null
      return m ? Number(m[index] ?? 0) : null
    }
  }
  // pg hands a `date` back as a Date at local midnight: its local fields are the date.
  const read =
    type === 'date'
      ? (value: unknown) =>
          value instanceof Date
            ? localDay(value)
            : instantOf(typeof value === 'string' ? value.slice(0, 10) : value)
      : instantOf
  return (value) => {
    const t = read(value)
    if (t === null) return null
    const d = new Date(t)
    switch (name) {
      case 'year':
        return d.getUTCFullYear()
      case 'month':
        return d.getUTCMonth() + 1
      case 'week':
        return isoWeek(t)
      case 'day':
        return d.getUTCDate()
      case 'weekday':
        return d.getUTCDay()
      case 'hour':
        return d.getUTCHours()
      case 'minute':
        return d.getUTCMinutes()
      case 'second':
        return d.getUTCSeconds()
    }
  }
}

/** UTC midnight of a Date's local calendar day. */
function localDay(value: Date): number | null {
  if (Number.isNaN(value.getTime())) return null
  const day = new Date(0)
  day.setUTCFullYear(value.getFullYear(), value.getMonth(), value.getDate())
  return day.getTime()
}
