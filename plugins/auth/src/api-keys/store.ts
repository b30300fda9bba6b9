// API keys: created by a signed-in user, narrowed to a subset of their roles, optionally
// read-only or limited to some tools; the secret is shown once and stored only as a hash.
import type { DatabaseAdapter, Principal } from '@backlex/kernel'
import { authDb, boolParam, fromJson, toBool, toIso, toJson } from '../db.js'
import { AuthErrors } from '../errors.js'
import type { RoleStore } from '../roles/store.js'
import { TABLES } from '../schema.js'
import type { ApiKeyInvalidation } from './invalidation.js'
import type { ApiKeyPrincipalCache, ApiKeyScope } from './principal-cache.js'
import type { ApiKey, ApiKeyGuards, CreateApiKeyInput } from './schemas.js'
import {
  apiKeyDisplayPrefix,
  generateApiKeySecret,
  hashApiKeySecret,
  hashApiKeySecretNow,
} from './secret.js'

export interface ApiKeyStore {
  /** Keys of the calling user in the workspace, newest first. */
  list(principal: Principal, workspace: string): Promise<ApiKey[]>
  /** Creates a key; the returned `secret` is never shown again. */
  create(
    principal: Principal,
    workspace: string,
    input: CreateApiKeyInput,
  ): Promise<ApiKey & { secret: string }>
  /** Revokes a key of the caller (an admin: any key of the workspace). Idempotent. */
  revoke(principal: Principal, workspace: string, id: string): Promise<ApiKey>
  /** Changes the MCP guards (read-only flag, tool allowlist) of a key. */
  updateGuards(
    principal: Principal,
    workspace: string,
    id: string,
    guards: ApiKeyGuards,
  ): Promise<ApiKey>
  /**
   * The principal of a secret; throws INVALID_API_KEY when unknown, revoked or expired.
   * A resolved principal is reused for the cache's TTL (expiry is still checked every time).
   */
  authenticate(secret: string, workspace: string): Promise<Principal>
  /**
   * Forgets resolved keys on every instance (here at once, elsewhere through PubSub). The
   * plugin does this on every change it makes itself; call it after changing users or roles
   * behind its back (e.g. by SQL).
   * @example
   * await auth.apiKeys.invalidate({ userId, workspace: 'main' })
   */
  invalidate(scope: ApiKeyScope): Promise<void>
}

export interface ApiKeyStoreDeps {
  database: DatabaseAdapter
  roles: RoleStore
  now: () => Date
  cache: ApiKeyPrincipalCache
  /** Called after every committed change to a key. */
  invalidation: Pick<ApiKeyInvalidation, 'changed'>
}

type KeyRow = {
  id: string
  workspace: string
  user_id: string
  name: string
  prefix: string
  roles: unknown
  read_only: boolean | number
  tools: unknown
  created_at: Date | string
  last_used_at: Date | string | null
  revoked_at: Date | string | null
  expires_at: Date | string | null
}

const KEY_COLUMNS = [
  'id',
  'workspace',
  'user_id',
  'name',
  'prefix',
  'roles',
  'read_only',
  'tools',
  'created_at',
  'last_used_at',
  'revoked_at',
  'expires_at',
] as const

function toApiKey(row: KeyRow): ApiKey {
  return {
    id: row.id,
    name: row.name,
    prefix: row.prefix,
    userId: row.user_id,
    roles: fromJson(row.roles) as string[],
    readOnly: toBool(row.read_only),
    tools: (fromJson(row.tools) as string[] | null) ?? null,
    createdAt: toIso(row.created_at),
    lastUsedAt: toIso(row.last_used_at),
    expiresAt: toIso(row.expires_at),
    revokedAt: toIso(row.revoked_at),
  }
}

/** Last-used timestamps are written at most once per this many ms per key. */
const LAST_USED_RESOLUTION_MS = 60_000

/**
 * Who may manage keys: a signed-in user, or a key that is neither read-only nor limited to
 * some tools (a limited key must not mint a broader one).
 */
function requireKeyManager(principal: Principal): string {
  if (principal.userId === null || (principal.type !== 'user' && principal.type !== 'apiKey')) {
    throw AuthErrors.UNAUTHORIZED()
  }
  if (principal.scopes?.readOnly) throw AuthErrors.READ_ONLY_KEY()
  if (principal.scopes && principal.scopes.tools !== null) throw AuthErrors.TOOL_LIMITED_KEY()
  return principal.userId
}

function frozenPrincipal(key: ApiKey, roles: string[]): Principal {
  return Object.freeze({
    type: 'apiKey',
    id: key.id,
    userId: key.userId,
    roles: Object.freeze(roles),
    admin: roles.includes('admin'),
    scopes: Object.freeze({
      readOnly: key.readOnly,
      tools: key.tools === null ? null : Object.freeze(key.tools),
    }),
  })
}

export function createApiKeyStore(deps: ApiKeyStoreDeps): ApiKeyStore {
  const { database, roles, now, cache, invalidation } = deps
  const db = authDb(database)

  async function touch(id: string, at: Date): Promise<void> {
    await db.updateTable(TABLES.apiKeys).set({ last_used_at: at }).where('id', '=', id).execute()
  }

  /** The key of `hash` from the database, checked, with its owner's current roles. */
  async function load(hash: string, workspace: string, at: Date) {
    const generation = cache.generation
    const row = await db
      .selectFrom(TABLES.apiKeys)
      .select(KEY_COLUMNS)
      .where('hash', '=', hash)
      .executeTakeFirst()
    if (
      !row ||
      row.workspace !== workspace ||
      row.revoked_at !== null ||
      (row.expires_at !== null && new Date(row.expires_at).getTime() <= at.getTime())
    ) {
      // Failures are never cached: a key created a moment later works at once.
      throw AuthErrors.INVALID_API_KEY()
    }
    const key = toApiKey(row)
    // A key never holds more than its owner does today: roles the owner lost drop off.
    const ownerRoles = new Set(await roles.rolesOf(workspace, key.userId))
    const principal = frozenPrincipal(
      key,
      key.roles.filter((r) => ownerRoles.has(r)),
    )
    let lastUsedAt = key.lastUsedAt === null ? null : new Date(key.lastUsedAt).getTime()
    if (lastUsedAt === null || at.getTime() - lastUsedAt >= LAST_USED_RESOLUTION_MS) {
      await touch(key.id, at)
      lastUsedAt = at.getTime()
    }
    cache.set(
      hash,
      {
        principal,
        keyId: key.id,
        userId: key.userId,
        workspace: row.workspace,
        expiresAt: key.expiresAt === null ? null : new Date(key.expiresAt).getTime(),
        lastUsedAt,
        loadedAt: at.getTime(),
      },
      generation,
    )
    return principal
  }

  async function findOwned(principal: Principal, workspace: string, id: string) {
    const userId = requireKeyManager(principal)
    const row = await db
      .selectFrom(TABLES.apiKeys)
      .select(KEY_COLUMNS)
      .where('workspace', '=', workspace)
      .where('id', '=', id)
      .executeTakeFirst()
    // Someone else's key is reported missing, not forbidden: ids do not leak across users.
    if (!row || (row.user_id !== userId && !principal.admin)) throw AuthErrors.API_KEY_NOT_FOUND(id)
    return row
  }

  return {
    async list(principal, workspace) {
      const userId = requireKeyManagerForRead(principal)
      const rows = await db
        .selectFrom(TABLES.apiKeys)
        .select(KEY_COLUMNS)
        .where('workspace', '=', workspace)
        .where('user_id', '=', userId)
        .orderBy('created_at', 'desc')
        .orderBy('id')
        .execute()
      return rows.map(toApiKey)
    },

    async create(principal, workspace, input) {
      const userId = requireKeyManager(principal)
      const held = new Set(principal.roles)
      const keyRoles = [...new Set(input.roles ?? principal.roles)].sort()
      const notHeld = keyRoles.filter((r) => !held.has(r))
      if (notHeld.length > 0) throw AuthErrors.ROLES_NOT_HELD(notHeld)
      const created = now()
      let expiresAt: Date | null = null
      if (input.expiresAt !== undefined) {
        expiresAt = new Date(input.expiresAt)
        if (expiresAt.getTime() <= created.getTime()) throw AuthErrors.EXPIRY_IN_PAST()
      }
      const secret = generateApiKeySecret()
      const row = {
        id: crypto.randomUUID(),
        workspace,
        user_id: userId,
        name: input.name,
        prefix: apiKeyDisplayPrefix(secret),
        hash: await hashApiKeySecret(secret),
        roles: toJson(keyRoles),
        read_only: boolParam(database, input.readOnly ?? false),
        tools: input.tools ? toJson([...new Set(input.tools)].sort()) : null,
        created_at: created,
        last_used_at: null,
        revoked_at: null,
        expires_at: expiresAt,
      }
      await db.insertInto(TABLES.apiKeys).values(row).execute()
      return { ...toApiKey(row), secret }
    },

    async revoke(principal, workspace, id) {
      const row = await findOwned(principal, workspace, id)
      if (row.revoked_at === null) {
        const revokedAt = now()
        await db
          .updateTable(TABLES.apiKeys)
          .set({ revoked_at: revokedAt })
          .where('id', '=', id)
          .execute()
        await invalidation.changed({ keyId: id })
        return toApiKey({ ...row, revoked_at: revokedAt })
      }
      return toApiKey(row)
    },

    async updateGuards(principal, workspace, id, guards) {
      const row = await findOwned(principal, workspace, id)
      const changes: { read_only?: boolean | number; tools?: string | null } = {}
      if (guards.readOnly !== undefined) changes.read_only = boolParam(database, guards.readOnly)
      if (guards.tools !== undefined) {
        changes.tools = guards.tools === null ? null : toJson([...new Set(guards.tools)].sort())
      }
      if (Object.keys(changes).length > 0) {
        await db.updateTable(TABLES.apiKeys).set(changes).where('id', '=', id).execute()
        await invalidation.changed({ keyId: id })
      }
      return toApiKey({ ...row, ...changes })
    },

    async authenticate(secret, workspace) {
      const hash = hashApiKeySecretNow(secret) ?? (await hashApiKeySecret(secret))
      const at = now()
      const cached = cache.get(hash, at.getTime())
      if (!cached) return load(hash, workspace, at)
      if (
        cached.workspace !== workspace ||
        (cached.expiresAt !== null && cached.expiresAt <= at.getTime())
      ) {
        throw AuthErrors.INVALID_API_KEY()
      }
      if (
        cached.lastUsedAt === null ||
        at.getTime() - cached.lastUsedAt >= LAST_USED_RESOLUTION_MS
      ) {
        cached.lastUsedAt = at.getTime()
        await touch(cached.keyId, at)
      }
      return cached.principal
    },

    invalidate: (scope) => invalidation.changed(scope),
  }
}

/** Listing is allowed to any key or user (read-only keys included). */
function requireKeyManagerForRead(principal: Principal): string {
  if (principal.userId === null || (principal.type !== 'user' && principal.type !== 'apiKey')) {
    throw AuthErrors.UNAUTHORIZED()
  }
  return principal.userId
}
