// The storage convention: which SQL type holds each field type on each dialect, and how API
// values are written to and read from those columns. Pure (no I/O), shared by DDL and items.
import type { FieldType } from './definition.js'

export type StorageDialect = 'sqlite' | 'postgres'

/** What a field needs to pick its column type. */
export interface ColumnShape {
  type: FieldType
  /** `string`: maximum length (default 255). */
  length?: number | undefined
  /** `decimal`: total digits and digits after the point. */
  precision?: number | undefined
  scale?: number | undefined
}

/** The JSON (API) form of a value of each field type. */
export const API_FORMS: Readonly<Record<FieldType, string>> = {
  string: 'string',
  text: 'string',
  enum: 'string, one of the choices',
  uuid: 'string, lower case',
  integer: 'number (integer)',
  bigInteger: 'number when it fits 2^53, else a string of digits (PostgreSQL only)',
  float: 'number',
  decimal: 'string of digits, e.g. "12.50" (exact; numbers are accepted on input)',
  boolean: 'boolean',
  date: 'string YYYY-MM-DD',
  time: 'string HH:MM:SS',
  datetime: 'string YYYY-MM-DDTHH:MM:SS.sssZ (UTC)',
  timestamp: 'string YYYY-MM-DDTHH:MM:SS.sssZ (UTC)',
  json: 'any JSON value',
}

/** SQL column type per dialect (constraints such as CHECK are added by the DDL builder). */
export function columnType(field: ColumnShape, dialect: StorageDialect): string {
  const pg = dialect === 'postgres'
  switch (field.type) {
    case 'string':
      return pg ? `varchar(${field.length ?? 255})` : 'text'
    case 'text':
    case 'enum':
      return 'text'
    case 'integer':
      return 'integer'
    case 'bigInteger':
      return pg ? 'bigint' : 'integer'
    case 'float':
      return pg ? 'double precision' : 'real'
    case 'decimal':
      if (!pg) return 'numeric'
      return field.precision === undefined
        ? 'numeric'
        : `numeric(${field.precision}, ${field.scale ?? 0})`
    case 'boolean':
      return pg ? 'boolean' : 'integer'
    case 'date':
      return pg ? 'date' : 'text'
    case 'time':
      return pg ? 'time' : 'text'
    case 'datetime':
    case 'timestamp':
      return pg ? 'timestamptz' : 'text'
    case 'uuid':
      return pg ? 'uuid' : 'text'
    case 'json':
      return pg ? 'jsonb' : 'text'
  }
}

/** Formats an instant the way SQLite stores it and the API returns it. */
export function formatInstant(date: Date): string {
  return date.toISOString()
}

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/
const TIME = /^([01]\d|2[0-3]):([0-5]\d)(?::([0-5]\d)(?:\.\d+)?)?$/
const DECIMAL = /^[+-]?(\d+(\.\d*)?|\.\d+)$/
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i

function validDate(text: string): boolean {
  const m = DATE.exec(text)
  if (!m) return false
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])]
  const date = new Date(Date.UTC(y, mo - 1, d))
  return date.getUTCFullYear() === y && date.getUTCMonth() === mo - 1 && date.getUTCDate() === d
}

/** Thrown by encodeValue for a value that does not fit its field; `reason` is user-facing. */
export class ValueTypeError extends Error {
  override readonly name = 'ValueTypeError'
  constructor(readonly reason: string) {
    super(reason)
  }
}

/**
 * An API value as the parameter to bind for a column of `field` on `dialect` (null stays null).
 * Throws ValueTypeError when the value does not fit the type.
 * @example
 * encodeValue({ type: 'boolean' }, true, 'sqlite') // 1
 * encodeValue({ type: 'datetime' }, '2024-06-01T10:00:00+02:00', 'sqlite') // '2024-06-01T08:00:00.000Z'
 */
export function encodeValue(
  field: ColumnShape & { choices?: readonly string[] | undefined },
  value: unknown,
  dialect: StorageDialect,
): unknown {
  if (value === null || value === undefined) return null
  const pg = dialect === 'postgres'
  const fail = (expected: string): never => {
    throw new ValueTypeError(`expected ${expected}`)
  }
  switch (field.type) {
    case 'string':
    case 'text': {
      if (typeof value !== 'string') return fail('a string')
      const max = field.type === 'string' ? (field.length ?? 255) : undefined
      if (max !== undefined && [...value].length > max) fail(`at most ${max} characters`)
      return value
    }
    case 'enum':
      if (typeof value !== 'string') return fail('a string')
      if (field.choices && !field.choices.includes(value))
        fail(`one of ${field.choices.map((c) => JSON.stringify(c)).join(', ')}`)
      return value
    case 'uuid':
      if (typeof value !== 'string' || !UUID.test(value)) return fail('a UUID')
      return value.toLowerCase()
    case 'integer':
      if (typeof value !== 'number' || !Number.isInteger(value) || Math.abs(value) > 2147483647)
        return fail('a 32-bit integer')
      return value
    case 'bigInteger': {
      if (typeof value === 'number' && Number.isSafeInteger(value)) return value
      if (typeof value === 'string' && /^-?\d{1,19}$/.test(value)) {
        const big = BigInt(value)
        // node:sqlite cannot read integers past 2^53 back as numbers: SQLite keeps to that range.
        if (!pg && Number.isSafeInteger(Number(value))) return Number(value)
        if (pg && big >= -(2n ** 63n) && big < 2n ** 63n) return value
      }
      return fail(
        pg
          ? 'a 64-bit integer (a string of digits beyond 2^53)'
          : 'an integer between -(2^53 - 1) and 2^53 - 1',
      )
    }
    case 'float':
      if (typeof value !== 'number' || !Number.isFinite(value)) return fail('a finite number')
      return value
    case 'decimal': {
      if (typeof value === 'number' && Number.isFinite(value)) return pg ? String(value) : value
      if (typeof value === 'string' && DECIMAL.test(value)) return pg ? value : Number(value)
      return fail('a decimal number or a string of digits')
    }
    case 'boolean':
      if (typeof value !== 'boolean') return fail('true or false')
      return pg ? value : value ? 1 : 0
    case 'date':
      if (typeof value !== 'string' || !validDate(value)) return fail('a date YYYY-MM-DD')
      return value
    case 'time': {
      if (typeof value !== 'string') return fail('a time HH:MM:SS')
      const m = TIME.exec(value)
      if (!m) return fail('a time HH:MM:SS')
      return `${m[1]}:${m[2]}:${m[3] ?? '00'}`
    }
    case 'datetime':
    case 'timestamp': {
      const date =
        value instanceof Date ? value : typeof value === 'string' ? parseInstant(value) : undefined
      if (!date || Number.isNaN(date.getTime())) return fail('an ISO 8601 date-time')
      return formatInstant(date)
    }
    case 'json':
      return JSON.stringify(value)
  }
}

/** ISO 8601 with or without offset (none means UTC), or a bare date at UTC midnight. */
function parseInstant(text: string): Date | undefined {
  if (DATE.test(text)) return validDate(text) ? new Date(`${text}T00:00:00.000Z`) : undefined
  const m =
    /^(\d{4}-\d{2}-\d{2})[T ](\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?)(Z|[+-]\d{2}:?\d{2})?$/i.exec(text)
  if (!m?.[1] || !m[2] || !validDate(m[1])) return undefined
  const date = new Date(`${m[1]}T${m[2]}${m[3] ?? 'Z'}`)
  return Number.isNaN(date.getTime()) ? undefined : date
}

/**
 * A column value as either driver returns it, in its API form (see API_FORMS). Pass `dialect`
 * for `json` columns: SQLite returns JSON text, pg the parsed value.
 * @example
 * decodeValue({ type: 'boolean' }, 1) // true
 * decodeValue({ type: 'decimal', scale: 2 }, 12.5) // '12.50'
 */
export function decodeValue(field: ColumnShape, value: unknown, dialect?: StorageDialect): unknown {
  if (value === null || value === undefined) return null
  // pg hands jsonb back parsed: a JSON string value must not be parsed a second time.
  if (field.type === 'json' && dialect === 'postgres') return value
  switch (field.type) {
    case 'boolean':
      return value === true || value === 1 || value === 1n || value === '1' || value === 't'
    case 'integer':
    case 'float':
      return typeof value === 'number' ? value : Number(value)
    case 'bigInteger': {
      if (typeof value === 'number') return value
      const n = Number(value)
      return Number.isSafeInteger(n) ? n : String(value)
    }
    case 'decimal':
      if (typeof value === 'number')
        return field.scale === undefined ? String(value) : value.toFixed(field.scale)
      return String(value)
    case 'datetime':
    case 'timestamp':
      if (value instanceof Date) return formatInstant(value)
      return typeof value === 'string' ? (parseInstant(value)?.toISOString() ?? value) : value
    case 'date':
      if (value instanceof Date) return formatInstant(value).slice(0, 10)
      return String(value)
    case 'time':
      return String(value).slice(0, 8)
    case 'json':
      // pg has already parsed jsonb: a string here is a JSON string value, not JSON text.
      if (typeof value !== 'string' || dialect === 'postgres') return value
      try {
        return JSON.parse(value) as unknown
      } catch {
        return value
      }
    case 'uuid':
      return String(value).toLowerCase()
    default:
      return value
  }
}
