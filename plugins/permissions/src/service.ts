// The Permissions service: rulesFor (cached per roles, collection and action, invalidated on
// every change and across instances through PubSub) and the admin operations on rules.
import {
  type ClockAdapter,
  KernelErrors,
  type LoggerAdapter,
  type PubSubAdapter,
  type SqlDialect,
  zodIssues,
} from '@backlex/kernel'
import type { Kysely } from 'kysely'
import type { z } from 'zod'
import { checkPermission } from './check-permission.js'
import type {
  AccessTarget,
  CollectionFilterSchema,
  CollectionSchemaSource,
  PermissionsService,
} from './contract.js'
import { PermissionsErrors } from './errors.js'
import { prepareFilter } from './filter/prepare.js'
import { resolveVariables } from './filter/variables.js'
import { effectiveRoles, isAdmin } from './roles.js'
import { type AccessRules, ADMIN_RULES, combineGrants, type Grant } from './rules.js'
import { type Permission, permissionInput, permissionPatch } from './schemas.js'
import { createPermissionStore, isUniqueViolation, type PermissionValues } from './store.js'

/** The service with its lifecycle, which only the plugin's `provide()` sees. */
export interface PermissionsRuntime extends PermissionsService {
  /** Listens for changes made on other instances. */
  start(): Promise<void>
  stop(): Promise<void>
}

export interface PermissionsDeps {
  // biome-ignore lint/suspicious/noExplicitAny: the Database contract's Kysely has an open schema
  db: Kysely<any>
  dialect: SqlDialect
  pubsub: PubSubAdapter
  clock: ClockAdapter
  logger: LoggerAdapter
  schemaSources: () => readonly CollectionSchemaSource[]
  cacheSize: number
}

export const CHANGES_CHANNEL = 'backlex.permissions.changed'

function validated<S extends z.ZodType>(schema: S, value: unknown): z.output<S> {
  const result = schema.safeParse(value)
  if (!result.success) throw KernelErrors.VALIDATION_FAILED('permission', zodIssues(result.error))
  return result.data
}

export function createPermissionsService(deps: PermissionsDeps): PermissionsRuntime {
  const { dialect, pubsub, clock, logger } = deps
  const store = createPermissionStore(deps.db)
  const cache = new Map<string, Promise<AccessRules | null>>()
  let unsubscribe: (() => Promise<void>) | undefined

  async function schemaOf(workspace: string, collection: string) {
    for (const source of deps.schemaSources()) {
      const found: CollectionFilterSchema | undefined = await source(workspace, collection)
      if (found) return found
    }
    return undefined
  }

  async function load(target: AccessTarget, roles: readonly string[]) {
    const { workspace, collection, action } = target
    const [rows, info] = await Promise.all([
      store.forRoles(workspace, roles, collection, action),
      schemaOf(workspace, collection),
    ])
    const grants: Grant[] = []
    for (const role of roles) {
      const row = rows.find((r) => r.role === role)
      if (!row) continue
      try {
        const checked = checkPermission(row, info)
        grants.push({
          role,
          filter: checked.filter && prepareFilter(checked.filter, { dialect }),
          fields: row.fields,
          validation: checked.validation && prepareFilter(checked.validation, { dialect }),
          presets: row.presets ?? {},
        })
      } catch (error) {
        // A rule that no longer fits its collection (a field was dropped) grants nothing.
        logger.warn('permission ignored: it no longer fits its collection', {
          id: row.id,
          error: error instanceof Error ? error.message : String(error),
        })
      }
    }
    return combineGrants(grants, dialect)
  }

  function invalidate(workspace?: string) {
    if (workspace === undefined) return cache.clear()
    const prefix = `${workspace}\u0000`
    for (const key of cache.keys()) if (key.startsWith(prefix)) cache.delete(key)
  }

  async function changed(workspace: string) {
    invalidate(workspace)
    try {
      await pubsub.publish(CHANGES_CHANNEL, { workspace })
    } catch (error) {
      logger.error('could not tell other instances about a permission change', {
        error: error instanceof Error ? error.message : String(error),
      })
    }
  }

  async function conflictCheck(workspace: string, values: PermissionValues, self?: string) {
    const other = await store.find(workspace, values)
    if (other && other.id !== self) {
      throw PermissionsErrors.PERMISSION_EXISTS(
        values.role,
        values.collection,
        values.action,
        other.id,
      )
    }
  }

  const service: PermissionsRuntime = {
    rulesFor(principal, target) {
      if (isAdmin(principal)) return Promise.resolve(ADMIN_RULES)
      if (principal.scopes?.readOnly && target.action !== 'read') return Promise.resolve(null)
      const roles = effectiveRoles(principal)
      const key = [target.workspace, target.collection, target.action, roles.join(',')].join(
        '\u0000',
      )
      const hit = cache.get(key)
      if (hit) {
        // Most recently used last, so eviction drops the least recently used entry.
        cache.delete(key)
        cache.set(key, hit)
        return hit
      }
      const loading = load(target, roles)
      cache.set(key, loading)
      loading.catch(() => cache.get(key) === loading && cache.delete(key))
      if (cache.size > deps.cacheSize) {
        const oldest = cache.keys().next().value
        if (oldest !== undefined) cache.delete(oldest)
      }
      return loading
    },
    variables: (principal) => resolveVariables(principal, clock.now()),
    list: (workspace, query) => store.list(workspace, query),
    async get(workspace, id) {
      const found = await store.get(workspace, id)
      if (!found) throw PermissionsErrors.PERMISSION_NOT_FOUND(id)
      return found
    },
    async create(workspace, input) {
      const values: PermissionValues = validated(permissionInput, input)
      checkPermission(values, await schemaOf(workspace, values.collection))
      await conflictCheck(workspace, values)
      const now = clock.now().toISOString()
      const permission: Permission = {
        id: crypto.randomUUID(),
        workspace,
        ...values,
        createdAt: now,
        updatedAt: now,
      }
      try {
        await store.insert(permission)
      } catch (error) {
        if (isUniqueViolation(error)) await conflictCheck(workspace, values)
        throw error
      }
      await changed(workspace)
      return permission
    },
    async update(workspace, id, patch) {
      const changes = validated(permissionPatch, patch)
      const current = await service.get(workspace, id)
      const values: PermissionValues = {
        role: changes.role ?? current.role,
        collection: changes.collection ?? current.collection,
        action: changes.action ?? current.action,
        filter: changes.filter !== undefined ? changes.filter : current.filter,
        fields: changes.fields ?? current.fields,
        validation: changes.validation !== undefined ? changes.validation : current.validation,
        presets: changes.presets !== undefined ? changes.presets : current.presets,
      }
      checkPermission(values, await schemaOf(workspace, values.collection))
      await conflictCheck(workspace, values, id)
      const updatedAt = clock.now().toISOString()
      try {
        await store.update(workspace, id, values, updatedAt)
      } catch (error) {
        if (isUniqueViolation(error)) await conflictCheck(workspace, values, id)
        throw error
      }
      await changed(workspace)
      return { ...current, ...values, updatedAt }
    },
    async remove(workspace, id) {
      if (!(await store.remove(workspace, id))) throw PermissionsErrors.PERMISSION_NOT_FOUND(id)
      await changed(workspace)
    },
    invalidate,
    async start() {
      unsubscribe = await pubsub.subscribe(CHANGES_CHANNEL, (message) => {
        const workspace = (message as { workspace?: unknown } | null)?.workspace
        invalidate(typeof workspace === 'string' ? workspace : undefined)
      })
    },
    async stop() {
      await unsubscribe?.()
      unsubscribe = undefined
      cache.clear()
    },
  }
  return service
}
