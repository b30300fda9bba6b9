// The contract of @backlex/activity (`@backlex/activity/contract`): the ActivityLog token and the
// types of its entries. Types only: no implementation is imported here.
import type { Principal, ServiceToken } from '@backlex/kernel'
import { defineService } from '@backlex/kernel'
import type { Kysely } from 'kysely'

/** A database handle: the kernel's database or a transaction opened on it. */
// biome-ignore lint/suspicious/noExplicitAny: the log writes to any caller's transaction
export type ActivityDb = Kysely<any>

/** One entry for the activity log. */
export interface ActivityEntry {
  workspace: string
  /**
   * Dot-namespaced, `<area>.<verb>` in lower snake case, e.g. `mcp.call` or `auth.login`.
   * `item.*` is the items API's own (written with the item's revision) and refused here.
   */
  action: string
  /** Who did it: the row keeps the principal's type, user id and API key id. */
  principal: Principal
  requestId?: string | null | undefined
  clientAddress?: string | null | undefined
  /** The collection the entry is about, if any. */
  collection?: string | null | undefined
  /** The item the entry is about, if any. */
  item?: string | number | null | undefined
  /** Anything else worth keeping, as a JSON object (at most 16 KiB). Never store secrets here. */
  detail?: Record<string, unknown> | null | undefined
}

/** Where and when `record` writes. */
export interface ActivityRecordOptions {
  /**
   * The transaction to write in: the entries then commit or roll back with the caller's own
   * change (the items API records `item.*` entries in the write's transaction).
   */
  db?: ActivityDb | undefined
  /** When it happened (default: the kernel's clock). */
  at?: Date | undefined
  /**
   * Set by `@backlex/collections` only: allows the `item.*` actions of its item writes, which
   * `record` refuses from anyone else so that no plugin writes entries in the items' name.
   */
  itemWrites?: boolean | undefined
}

/** One entry of the activity log as GET /api/activity answers it. */
export interface Activity {
  id: string
  /** Dot-namespaced: `item.create`, `item.update`, `item.delete`, `mcp.call`, ... */
  action: string
  /** null when the entry is about no collection. */
  collection: string | null
  /** null when the entry is about no item. */
  item: string | null
  principalType: string
  userId: string | null
  apiKeyId: string | null
  clientAddress: string | null
  requestId: string | null
  /** What the writer added, e.g. the tool and outcome of an `mcp.call`; null for item writes. */
  detail: Record<string, unknown> | null
  createdAt: string
}

/** Which entries GET /api/activity lists. */
export interface ActivityQuery {
  limit: number
  offset: number
  collection?: string | undefined
  item?: string | undefined
  action?: string | undefined
}

/** Who is reading: a request or tool context can be passed as it is. */
export interface ActivityReader {
  principal: Principal
  workspace: string
}

export interface ActivityLogService {
  /**
   * Appends entries to the activity log, one statement per 500; resolves to their ids (UUIDv7,
   * sorting by time) in the order given. Throws INVALID_ACTIVITY (400) and writes nothing when an
   * entry cannot be stored. With `options.db` the entries are written in that transaction.
   * @example
   * await ctx.use(ActivityLog)?.record({ workspace, action: 'auth.login', principal, detail: { method: 'password' } })
   */
  record(
    entries: ActivityEntry | readonly ActivityEntry[],
    options?: ActivityRecordOptions,
  ): Promise<string[]>
  /**
   * The log, newest first: everything in the workspace for admins, the reader's own entries for
   * everyone else (a user's, or a user-less key's); 401 UNAUTHORIZED for anonymous readers.
   * @example
   * await ctx.use(ActivityLog).list(ctx, { limit: 20, offset: 0, action: 'mcp.call' })
   */
  list(reader: ActivityReader, query: ActivityQuery): Promise<Activity[]>
  /**
   * Entries by id (of the reader's workspace), as the reader may see them: admins and the
   * entry's own author see who made it; anyone else sees no user, key, address, request or
   * detail. What item revisions show as the change's author.
   * @example
   * const byId = await log.entries({ principal, workspace: 'main' }, revisions.map((r) => r.activityId))
   */
  entries(reader: ActivityReader, ids: readonly string[]): Promise<Map<string, Activity>>
}

/**
 * The activity log (`backlex.activity`). Plugins that write to it where it is optional list it
 * in `optional` through `serviceRef`, so nothing of this package is imported at runtime.
 * @example
 * import type { ActivityLog as ActivityLogToken } from '@backlex/activity/contract'
 * const ActivityLog = serviceRef<typeof ActivityLogToken>('backlex.activity')
 * await ctx.use(ActivityLog)?.record({ workspace: 'main', action: 'flows.run', principal })
 */
export const ActivityLog: ServiceToken<ActivityLogService> =
  defineService<ActivityLogService>('backlex.activity')

/** A dot-namespaced action: `<area>.<verb>`, lower snake case parts (`mcp.call`, `item.update`). */
export const ACTIVITY_ACTION = /^[a-z][a-z0-9_]{0,31}(\.[a-z][a-z0-9_]{0,31})+$/
