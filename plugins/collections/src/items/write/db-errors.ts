// Turns constraint violations of either database into the items' stable 4xx errors, so a write
// the database refuses never surfaces as a 500 or leaks SQL text.
import type { BacklexError } from '@backlex/kernel'
import { ItemsErrors } from '../errors.js'

interface DriverError {
  code?: unknown
  errcode?: unknown
  message?: unknown
  column?: unknown
}

// SQLite extended result codes and PostgreSQL SQLSTATEs.
const SQLITE = { unique: [2067, 1555], foreignKey: [787], notNull: [1299], check: [275] }
const PG = {
  unique: ['23505'],
  foreignKey: ['23503'],
  notNull: ['23502'],
  invalid: ['23514', '22P02', '22003', '22001', '22007', '22008', '22023', '22021'],
}

/**
 * The BacklexError for a database error of a write on `collection`, or undefined when it is not
 * a constraint violation (then it is a bug or an outage, and stays a 500).
 */
export function constraintError(collection: string, error: unknown): BacklexError | undefined {
  if (typeof error !== 'object' || error === null) return undefined
  const e = error as DriverError
  const message = typeof e.message === 'string' ? e.message : ''
  if (typeof e.errcode === 'number') {
    if (SQLITE.unique.includes(e.errcode)) return ItemsErrors.ITEM_CONFLICT(collection)
    if (SQLITE.foreignKey.includes(e.errcode)) return ItemsErrors.INVALID_REFERENCE(collection)
    if (SQLITE.notNull.includes(e.errcode)) {
      const field = /NOT NULL constraint failed: [^.]+\.(\w+)/.exec(message)?.[1] ?? ''
      return ItemsErrors.INVALID_ITEM(collection, [{ path: field, message: 'is required' }])
    }
    if (SQLITE.check.includes(e.errcode)) {
      return ItemsErrors.INVALID_ITEM(collection, [
        { path: '', message: 'a value is out of range for its field' },
      ])
    }
    return undefined
  }
  if (typeof e.code === 'string') {
    if (PG.unique.includes(e.code)) return ItemsErrors.ITEM_CONFLICT(collection)
    if (PG.foreignKey.includes(e.code)) return ItemsErrors.INVALID_REFERENCE(collection)
    if (PG.notNull.includes(e.code)) {
      const field = typeof e.column === 'string' ? e.column : ''
      return ItemsErrors.INVALID_ITEM(collection, [{ path: field, message: 'is required' }])
    }
    if (PG.invalid.includes(e.code)) {
      return ItemsErrors.INVALID_ITEM(collection, [
        { path: '', message: 'a value is out of range for its field' },
      ])
    }
  }
  return undefined
}
