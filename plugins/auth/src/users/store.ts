// Users as admins see them: identities are global, roles are per workspace.
import type { DatabaseAdapter } from '@backlex/kernel'
import { sql } from 'kysely'
import { authDb, toBool, toIso } from '../db.js'
import { AuthErrors } from '../errors.js'
import { DEFAULT_USER_ROLES, type RoleStore } from '../roles/store.js'
import { TABLES } from '../schema.js'
import type { UserSummary } from './schemas.js'

export interface UserStore {
  list(
    workspace: string,
    page: { limit: number; offset: number; search?: string | undefined },
  ): Promise<{ users: UserSummary[]; total: number }>
  get(workspace: string, id: string): Promise<UserSummary>
}

type UserRow = {
  id: string
  name: string
  email: string
  email_verified: boolean | number
  created_at: Date | string
}

export function createUserStore(database: DatabaseAdapter, roles: RoleStore): UserStore {
  const db = authDb(database)
  const columns = ['id', 'name', 'email', 'email_verified', 'created_at'] as const

  async function withRoles(workspace: string, rows: UserRow[]): Promise<UserSummary[]> {
    const assigned = await roles.assignedRoles(
      workspace,
      rows.map((r) => r.id),
    )
    return rows.map((row) => {
      const held = assigned.get(row.id) ?? []
      return {
        id: row.id,
        name: row.name,
        email: row.email,
        emailVerified: toBool(row.email_verified),
        createdAt: toIso(row.created_at),
        roles: held.length > 0 ? held : [...DEFAULT_USER_ROLES],
      }
    })
  }

  return {
    async list(workspace, page) {
      let query = db.selectFrom(TABLES.users)
      if (page.search) {
        // Escape LIKE wildcards so a search for "a_b" matches literally.
        const pattern = `%${page.search.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`
        query = query.where(
          sql<boolean>`(lower(email) like ${pattern} escape '\\' or lower(name) like ${pattern} escape '\\')`,
        )
      }
      const [rows, count] = await Promise.all([
        query
          .select(columns)
          .orderBy('created_at')
          .orderBy('id')
          .limit(page.limit)
          .offset(page.offset)
          .execute(),
        query.select((eb) => eb.fn.countAll<number | string>().as('total')).executeTakeFirst(),
      ])
      return { users: await withRoles(workspace, rows), total: Number(count?.total ?? 0) }
    },

    async get(workspace, id) {
      const row = await db
        .selectFrom(TABLES.users)
        .select(columns)
        .where('id', '=', id)
        .executeTakeFirst()
      if (!row) throw AuthErrors.USER_NOT_FOUND(id)
      const [user] = await withRoles(workspace, [row])
      if (!user) throw AuthErrors.USER_NOT_FOUND(id)
      return user
    },
  }
}
