// Reading the log: admins see everything of their workspace; anyone else its own entries, and
// on others' entries (as revisions show them) nothing that says who made them.
import type { Principal } from '@backlex/kernel'
import { isAdmin } from '@backlex/permissions'
import { type Expression, type SqlBool, sql } from 'kysely'
import type { Activity, ActivityDb, ActivityQuery, ActivityReader } from './contract.js'
import { ActivityErrors } from './errors.js'
import { ACTIVITY_TABLE } from './migrations.js'

const iso = (value: unknown) => (value instanceof Date ? value.toISOString() : String(value))
const text = (value: unknown) => (value === null || value === undefined ? null : String(value))
/** '' stands for "none" in the NOT NULL collection and item columns. */
const orNull = (value: unknown) => (value === '' ? null : text(value))
const json = (value: unknown): Record<string, unknown> | null => {
  if (value === null || value === undefined) return null
  if (typeof value === 'string') return JSON.parse(value) as Record<string, unknown>
  return value as Record<string, unknown>
}

function toActivity(row: Record<string, unknown>): Activity {
  return {
    id: String(row.id),
    action: String(row.action),
    collection: orNull(row.collection),
    item: orNull(row.item),
    principalType: String(row.principal_type),
    userId: text(row.user_id),
    apiKeyId: text(row.api_key_id),
    clientAddress: text(row.client_address),
    requestId: text(row.request_id),
    detail: json(row.detail),
    createdAt: iso(row.created_at),
  }
}

/** True when `principal` made the entry: the same user, or the same user-less API key. */
function madeBy(principal: Principal, activity: Activity): boolean {
  if (principal.type === 'anonymous') return false
  if (principal.userId !== null) return activity.userId === principal.userId
  return activity.principalType === principal.type && activity.apiKeyId === principal.id
}

/**
 * An entry as `principal` may see it: admins see who made every entry; anyone else sees who
 * made its own entries and nothing identifying on others' (no user, key, address or request).
 */
export function shownTo(principal: Principal, activity: Activity): Activity {
  if (isAdmin(principal) || madeBy(principal, activity)) return activity
  return {
    ...activity,
    userId: null,
    apiKeyId: null,
    clientAddress: null,
    requestId: null,
    detail: null,
  }
}

const allOf = (where: readonly Expression<SqlBool>[]) =>
  sql<SqlBool>`${sql.join(
    where.map((part) => sql`(${part})`),
    sql` and `,
  )}`

/**
 * The log, newest first: everything in the workspace for admins, the reader's own entries for
 * everyone else (a user's, or a user-less key's), 401 for anonymous readers.
 * @example
 * await listActivity(db, { principal, workspace: 'main' }, { limit: 100, offset: 0 })
 */
export async function listActivity(
  db: ActivityDb,
  reader: ActivityReader,
  query: ActivityQuery,
): Promise<Activity[]> {
  const { principal } = reader
  if (principal.type === 'anonymous') throw ActivityErrors.UNAUTHORIZED()
  const where = [sql<SqlBool>`workspace = ${reader.workspace}`]
  if (!isAdmin(principal)) {
    where.push(
      principal.userId !== null
        ? sql<SqlBool>`user_id = ${principal.userId}`
        : sql<SqlBool>`principal_type = ${principal.type} and api_key_id = ${principal.id}`,
    )
  }
  if (query.collection !== undefined) where.push(sql<SqlBool>`collection = ${query.collection}`)
  if (query.item !== undefined) where.push(sql<SqlBool>`item = ${query.item}`)
  if (query.action !== undefined) where.push(sql<SqlBool>`action = ${query.action}`)
  const result = await sql<
    Record<string, unknown>
  >`select * from ${sql.table(ACTIVITY_TABLE)} where ${allOf(where)} order by created_at desc, id desc limit ${query.limit} offset ${query.offset}`.execute(
    db,
  )
  // Non-admins get only their own entries (above); shownTo keeps that true field by field.
  return result.rows.map((row) => shownTo(principal, toActivity(row)))
}

/** Entries of the reader's workspace by id, each as the reader may see it. */
export async function activityByIds(
  db: ActivityDb,
  reader: ActivityReader,
  ids: readonly string[],
): Promise<Map<string, Activity>> {
  const found = new Map<string, Activity>()
  const wanted = [...new Set(ids)]
  // Chunks keep bound parameters far below both databases' limits.
  for (let i = 0; i < wanted.length; i += 500) {
    const chunk = wanted.slice(i, i + 500)
    const result = await sql<
      Record<string, unknown>
    >`select * from ${sql.table(ACTIVITY_TABLE)} where workspace = ${reader.workspace} and id in (${sql.join(chunk)})`.execute(
      db,
    )
    for (const row of result.rows) {
      const activity = shownTo(reader.principal, toActivity(row))
      found.set(activity.id, activity)
    }
  }
  return found
}
