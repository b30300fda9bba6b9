// Typed view of the auth tables for Kysely, and the value conversions that differ per dialect.
import type { DatabaseAdapter } from '@backlex/kernel'
import type { Kysely } from 'kysely'

/** A timestamp as a dialect returns it: Date (PostgreSQL) or ISO string (SQLite). */
type DbTime = Date | string
/** A boolean as a dialect returns it: boolean (PostgreSQL) or 0/1 (SQLite). */
type DbBool = boolean | number
/** JSON as a dialect returns it: parsed (PostgreSQL jsonb) or text (SQLite). */
type DbJson = unknown

export interface AuthTables {
  backlex_auth_users: {
    id: string
    name: string
    email: string
    email_verified: DbBool
    image: string | null
    created_at: DbTime
    updated_at: DbTime
  }
  backlex_auth_roles: {
    workspace: string
    name: string
    description: string | null
    built_in: DbBool
    created_at: DbTime
  }
  backlex_auth_user_roles: {
    workspace: string
    user_id: string
    role: string
    created_at: DbTime
  }
  backlex_auth_first_admin: {
    workspace: string
    user_id: string
    created_at: DbTime
  }
  backlex_auth_api_keys: {
    id: string
    workspace: string
    user_id: string
    name: string
    prefix: string
    hash: string
    roles: DbJson
    read_only: DbBool
    tools: DbJson | null
    created_at: DbTime
    last_used_at: DbTime | null
    revoked_at: DbTime | null
    expires_at: DbTime | null
  }
}

export type AuthDb = Kysely<AuthTables>

export function authDb(database: DatabaseAdapter): AuthDb {
  return database.db as AuthDb
}

/** ISO 8601 string of a stored timestamp. */
export function toIso(value: DbTime): string
export function toIso(value: DbTime | null): string | null
export function toIso(value: DbTime | null): string | null {
  if (value === null) return null
  return (value instanceof Date ? value : new Date(value)).toISOString()
}

export function toBool(value: DbBool): boolean {
  return value === true || value === 1
}

/** Parses a stored JSON value (text on SQLite, already parsed on PostgreSQL). */
export function fromJson(value: DbJson): unknown {
  return typeof value === 'string' ? (JSON.parse(value) as unknown) : value
}

/** What to bind for a JSON column: text, which PostgreSQL casts to jsonb. */
export function toJson(value: unknown): string {
  return JSON.stringify(value)
}

/** What to bind for a boolean column on either dialect. */
export function boolParam(database: DatabaseAdapter, value: boolean): DbBool {
  return database.dialect === 'postgres' ? value : value ? 1 : 0
}
