// Turns JavaScript values into what D1 can bind: it rejects bigint, Date and plain objects.

export type D1Param = null | number | string | ArrayBuffer | Uint8Array

/**
 * SQLite has no booleans or dates: store 1/0 and ISO strings, as @backlex/sqlite does, so a
 * plugin reads the same values from D1 as from a SQLite file.
 * @example
 * toD1Param(true) // 1
 * toD1Param(new Date(0)) // '1970-01-01T00:00:00.000Z'
 */
export function toD1Param(value: unknown): D1Param {
  if (value === undefined || value === null) return null
  if (typeof value === 'boolean') return value ? 1 : 0
  if (value instanceof Date) return value.toISOString()
  if (typeof value === 'number' || typeof value === 'string') return value
  // D1 binds no bigint; past 2^53 a number would lose digits, so those travel as text.
  if (typeof value === 'bigint') {
    return value >= BigInt(Number.MIN_SAFE_INTEGER) && value <= BigInt(Number.MAX_SAFE_INTEGER)
      ? Number(value)
      : value.toString()
  }
  if (value instanceof Uint8Array || value instanceof ArrayBuffer) return value
  return JSON.stringify(value)
}
