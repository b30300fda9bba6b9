// Roles of a workspace and who holds them. `public`, `authenticated` and `admin` are built in,
// created on first use in each workspace, and cannot be deleted.
import type { DatabaseAdapter } from '@backlex/kernel'
import type { ApiKeyInvalidation } from '../api-keys/invalidation.js'
import { type AuthDb, authDb, boolParam, toBool, toIso } from '../db.js'
import { AuthErrors } from '../errors.js'
import { TABLES } from '../schema.js'
import { inTransaction } from '../transaction.js'
import type { Role } from './schemas.js'

export const BUILT_IN_ROLES = [
  { name: 'public', description: 'Anyone, signed in or not.' },
  { name: 'authenticated', description: 'Every signed-in user.' },
  { name: 'admin', description: 'Full access: bypasses permission rules.' },
] as const

/** What a signed-in user holds when no role is assigned to them in a workspace. */
export const DEFAULT_USER_ROLES: readonly string[] = Object.freeze(['authenticated'])

export interface RoleStore {
  list(workspace: string): Promise<Role[]>
  create(workspace: string, input: { name: string; description?: string | null }): Promise<Role>
  update(workspace: string, name: string, input: { description?: string | null }): Promise<Role>
  delete(workspace: string, name: string): Promise<void>
  /** The roles a user holds in a workspace (the default ones when none is assigned). */
  rolesOf(workspace: string, userId: string): Promise<string[]>
  /** Roles assigned to each of `userIds` (no defaults applied). */
  assignedRoles(workspace: string, userIds: readonly string[]): Promise<Map<string, string[]>>
  /** Replaces a user's roles; refuses to remove the workspace's last admin. */
  setUserRoles(workspace: string, userId: string, roles: readonly string[]): Promise<string[]>
  /**
   * Gives a new user `admin` when they are the workspace's first, else `authenticated`.
   * Correct under concurrency: the first-admin claim is a single-row insert on a primary key.
   */
  assignSignUpRole(workspace: string, userId: string): Promise<'admin' | 'authenticated'>
}

type RoleRow = {
  name: string
  description: string | null
  built_in: boolean | number
  created_at: Date | string
}

const toRole = (row: RoleRow): Role => ({
  name: row.name,
  description: row.description,
  builtIn: toBool(row.built_in),
  createdAt: toIso(row.created_at),
})

/**
 * @param invalidation told after every committed change to who holds a role, so API keys
 * (which hold their roles only while their owner does) are resolved again.
 */
export function createRoleStore(
  database: DatabaseAdapter,
  invalidation?: Pick<ApiKeyInvalidation, 'changed'>,
): RoleStore {
  const db = authDb(database)
  const seeded = new Set<string>()

  async function ensureBuiltIns(workspace: string): Promise<void> {
    if (seeded.has(workspace)) return
    const now = new Date()
    await db
      .insertInto(TABLES.roles)
      .values(
        BUILT_IN_ROLES.map((role) => ({
          workspace,
          name: role.name,
          description: role.description,
          built_in: boolParam(database, true),
          created_at: now,
        })),
      )
      .onConflict((oc) => oc.columns(['workspace', 'name']).doNothing())
      .execute()
    seeded.add(workspace)
  }

  async function findRole(q: AuthDb, workspace: string, name: string): Promise<Role> {
    const row = await q
      .selectFrom(TABLES.roles)
      .select(['name', 'description', 'built_in', 'created_at'])
      .where('workspace', '=', workspace)
      .where('name', '=', name)
      .executeTakeFirst()
    if (!row) throw AuthErrors.ROLE_NOT_FOUND(name)
    return toRole(row)
  }

  async function assigned(q: AuthDb, workspace: string, userId: string): Promise<string[]> {
    const rows = await q
      .selectFrom(TABLES.userRoles)
      .select('role')
      .where('workspace', '=', workspace)
      .where('user_id', '=', userId)
      .orderBy('role')
      .execute()
    return rows.map((r) => r.role)
  }

  return {
    async list(workspace) {
      await ensureBuiltIns(workspace)
      const rows = await db
        .selectFrom(TABLES.roles)
        .select(['name', 'description', 'built_in', 'created_at'])
        .where('workspace', '=', workspace)
        .orderBy('name')
        .execute()
      return rows.map(toRole)
    },

    async create(workspace, input) {
      await ensureBuiltIns(workspace)
      const inserted = await db
        .insertInto(TABLES.roles)
        .values({
          workspace,
          name: input.name,
          description: input.description ?? null,
          built_in: boolParam(database, false),
          created_at: new Date(),
        })
        .onConflict((oc) => oc.columns(['workspace', 'name']).doNothing())
        .returning(['name', 'description', 'built_in', 'created_at'])
        .executeTakeFirst()
      if (!inserted) throw AuthErrors.ROLE_EXISTS(input.name)
      return toRole(inserted)
    },

    async update(workspace, name, input) {
      await ensureBuiltIns(workspace)
      await findRole(db, workspace, name)
      if (input.description !== undefined) {
        await db
          .updateTable(TABLES.roles)
          .set({ description: input.description })
          .where('workspace', '=', workspace)
          .where('name', '=', name)
          .execute()
      }
      return findRole(db, workspace, name)
    },

    async delete(workspace, name) {
      await ensureBuiltIns(workspace)
      const role = await findRole(db, workspace, name)
      if (role.builtIn) throw AuthErrors.ROLE_BUILT_IN(name)
      await inTransaction(database, async (trx) => {
        // The foreign key cascades too; deleting explicitly keeps D1 (no FK enforcement) right.
        await trx
          .deleteFrom(TABLES.userRoles)
          .where('workspace', '=', workspace)
          .where('role', '=', name)
          .execute()
        await trx
          .deleteFrom(TABLES.roles)
          .where('workspace', '=', workspace)
          .where('name', '=', name)
          .execute()
      })
      await invalidation?.changed({ workspace })
    },

    async rolesOf(workspace, userId) {
      const roles = await assigned(db, workspace, userId)
      return roles.length > 0 ? roles : [...DEFAULT_USER_ROLES]
    },

    async assignedRoles(workspace, userIds) {
      const result = new Map<string, string[]>(userIds.map((id) => [id, []]))
      if (userIds.length === 0) return result
      const rows = await db
        .selectFrom(TABLES.userRoles)
        .select(['user_id', 'role'])
        .where('workspace', '=', workspace)
        .where('user_id', 'in', [...userIds])
        .orderBy('role')
        .execute()
      for (const row of rows) result.get(row.user_id)?.push(row.role)
      return result
    },

    async setUserRoles(workspace, userId, roles) {
      await ensureBuiltIns(workspace)
      const wanted = [...new Set(roles)].sort()
      const held = await inTransaction(database, async (trx) => {
        const user = await trx
          .selectFrom(TABLES.users)
          .select('id')
          .where('id', '=', userId)
          .executeTakeFirst()
        if (!user) throw AuthErrors.USER_NOT_FOUND(userId)
        if (wanted.length > 0) {
          const known = await trx
            .selectFrom(TABLES.roles)
            .select('name')
            .where('workspace', '=', workspace)
            .where('name', 'in', wanted)
            .execute()
          const knownNames = new Set(known.map((r) => r.name))
          const unknown = wanted.filter((r) => !knownNames.has(r))
          if (unknown.length > 0) throw AuthErrors.UNKNOWN_ROLES(unknown)
        }
        const current = await assigned(trx, workspace, userId)
        if (current.includes('admin') && !wanted.includes('admin')) {
          const others = await trx
            .selectFrom(TABLES.userRoles)
            .select('user_id')
            .where('workspace', '=', workspace)
            .where('role', '=', 'admin')
            .where('user_id', '!=', userId)
            .limit(1)
            .executeTakeFirst()
          if (!others) throw AuthErrors.LAST_ADMIN()
        }
        await trx
          .deleteFrom(TABLES.userRoles)
          .where('workspace', '=', workspace)
          .where('user_id', '=', userId)
          .execute()
        if (wanted.length > 0) {
          const now = new Date()
          await trx
            .insertInto(TABLES.userRoles)
            .values(wanted.map((role) => ({ workspace, user_id: userId, role, created_at: now })))
            .execute()
        }
        return wanted.length > 0 ? wanted : [...DEFAULT_USER_ROLES]
      })
      await invalidation?.changed({ userId, workspace })
      return held
    },

    async assignSignUpRole(workspace, userId) {
      await ensureBuiltIns(workspace)
      const now = new Date()
      const claim = await db
        .insertInto(TABLES.firstAdmin)
        .values({ workspace, user_id: userId, created_at: now })
        .onConflict((oc) => oc.column('workspace').doNothing())
        .returning('user_id')
        .executeTakeFirst()
      const role = claim ? 'admin' : 'authenticated'
      await db
        .insertInto(TABLES.userRoles)
        .values({ workspace, user_id: userId, role, created_at: now })
        .onConflict((oc) => oc.columns(['workspace', 'user_id', 'role']).doNothing())
        .execute()
      return role
    },
  }
}
