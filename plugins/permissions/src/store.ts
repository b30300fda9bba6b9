// Reads and writes permission rows. JSON columns are text on both dialects; timestamps are
// timestamptz on PostgreSQL and ISO text on SQLite, and leave here as ISO strings either way.
import type { Kysely } from 'kysely'
import { PERMISSIONS_TABLE } from './migrations.js'
import type { Permission, PermissionAction, PermissionQuery } from './schemas.js'

interface PermissionsRow {
  id: string
  workspace: string
  role: string
  collection: string
  action: string
  filter: string | null
  fields: string
  validation: string | null
  presets: string | null
  created_at: string | Date
  updated_at: string | Date
}

interface PermissionsTables {
  [PERMISSIONS_TABLE]: PermissionsRow
}

/** The stored fields of a permission, without id and timestamps. */
export type PermissionValues = Omit<Permission, 'id' | 'workspace' | 'createdAt' | 'updatedAt'>

const json = (value: unknown) => (value === null ? null : JSON.stringify(value))
const parseJson = <T>(text: string | null): T | null =>
  text === null ? null : (JSON.parse(text) as T)
const iso = (value: string | Date) => (value instanceof Date ? value.toISOString() : value)

function toPermission(row: PermissionsRow): Permission {
  return {
    id: row.id,
    workspace: row.workspace,
    role: row.role,
    collection: row.collection,
    action: row.action as PermissionAction,
    filter: parseJson(row.filter),
    fields: parseJson<'*' | string[]>(row.fields) ?? '*',
    validation: parseJson(row.validation),
    presets: parseJson(row.presets),
    createdAt: iso(row.created_at),
    updatedAt: iso(row.updated_at),
  }
}

/** True when a write failed on the unique (workspace, collection, action, role) key. */
export function isUniqueViolation(error: unknown): boolean {
  const e = error as { code?: unknown; message?: unknown } | null
  return (
    e?.code === '23505' || (typeof e?.message === 'string' && /UNIQUE constraint/i.test(e.message))
  )
}

export interface PermissionStore {
  list(workspace: string, query?: PermissionQuery): Promise<Permission[]>
  get(workspace: string, id: string): Promise<Permission | undefined>
  /** The rule of one role for (collection, action), if any. */
  find(
    workspace: string,
    key: { role: string; collection: string; action: PermissionAction },
  ): Promise<Permission | undefined>
  /** Every rule of any of `roles` for (collection, action). */
  forRoles(
    workspace: string,
    roles: readonly string[],
    collection: string,
    action: PermissionAction,
  ): Promise<Permission[]>
  insert(permission: Permission): Promise<void>
  update(workspace: string, id: string, values: PermissionValues, updatedAt: string): Promise<void>
  remove(workspace: string, id: string): Promise<boolean>
}

// biome-ignore lint/suspicious/noExplicitAny: the Database contract's Kysely has an open schema
export function createPermissionStore(database: Kysely<any>): PermissionStore {
  const db = database as Kysely<PermissionsTables>
  const table = () => db.selectFrom(PERMISSIONS_TABLE).selectAll()
  return {
    async list(workspace, query = {}) {
      let q = table().where('workspace', '=', workspace)
      if (query.role) q = q.where('role', '=', query.role)
      if (query.collection) q = q.where('collection', '=', query.collection)
      if (query.action) q = q.where('action', '=', query.action)
      const rows = await q.orderBy('collection').orderBy('role').orderBy('action').execute()
      return rows.map(toPermission)
    },
    async get(workspace, id) {
      const row = await table()
        .where('workspace', '=', workspace)
        .where('id', '=', id)
        .executeTakeFirst()
      return row ? toPermission(row) : undefined
    },
    async find(workspace, key) {
      const row = await table()
        .where('workspace', '=', workspace)
        .where('collection', '=', key.collection)
        .where('action', '=', key.action)
        .where('role', '=', key.role)
        .executeTakeFirst()
      return row ? toPermission(row) : undefined
    },
    async forRoles(workspace, roles, collection, action) {
      if (roles.length === 0) return []
      const rows = await table()
        .where('workspace', '=', workspace)
        .where('collection', '=', collection)
        .where('action', '=', action)
        .where('role', 'in', [...roles])
        .execute()
      return rows.map(toPermission)
    },
    async insert(p) {
      await db
        .insertInto(PERMISSIONS_TABLE)
        .values({
          id: p.id,
          workspace: p.workspace,
          role: p.role,
          collection: p.collection,
          action: p.action,
          filter: json(p.filter),
          fields: JSON.stringify(p.fields),
          validation: json(p.validation),
          presets: json(p.presets),
          created_at: p.createdAt,
          updated_at: p.updatedAt,
        })
        .execute()
    },
    async update(workspace, id, values, updatedAt) {
      await db
        .updateTable(PERMISSIONS_TABLE)
        .set({
          role: values.role,
          collection: values.collection,
          action: values.action,
          filter: json(values.filter),
          fields: JSON.stringify(values.fields),
          validation: json(values.validation),
          presets: json(values.presets),
          updated_at: updatedAt,
        })
        .where('workspace', '=', workspace)
        .where('id', '=', id)
        .execute()
    },
    async remove(workspace, id) {
      const result = await db
        .deleteFrom(PERMISSIONS_TABLE)
        .where('workspace', '=', workspace)
        .where('id', '=', id)
        .executeTakeFirst()
      return Number(result.numDeletedRows) > 0
    },
  }
}
