// The parts of other plugins' services this plugin uses when they are installed. Tokens match
// by id, so these narrow views resolve to @backlex/collections' own services without making it
// a dependency of this package.
import { defineService, type Principal } from '@backlex/kernel'

/** A collection's schema as @backlex/collections shows it to a caller; `slug` and `note` are read. */
export interface CollectionSchemaLike {
  slug: string
  fields: readonly { name: string }[]
  note?: string
  [key: string]: unknown
}

/** What MCP resources need from the Collections service (`backlex.collections`). */
export interface CollectionSchemaReader {
  /**
   * The live collections as `principal` may see them, drawn by @backlex/collections from the
   * caller's rules (only collections it has a rule on, readable fields, relations to readable
   * collections, physical table names for admins only): the view its collections tools show.
   */
  visibleTo(principal: Principal, workspace: string): Promise<readonly CollectionSchemaLike[]>
}

/** @backlex/collections' service, seen through `CollectionSchemaReader`. */
export const CollectionSchemasService = defineService<CollectionSchemaReader>('backlex.collections')

/** One entry of the activity log, as `ActivityLog.record` of @backlex/collections takes it. */
export interface ActivityRecord {
  workspace: string
  /** Dot-namespaced; this plugin writes `mcp.call`. */
  action: string
  principal: Principal
  requestId?: string | null
  clientAddress?: string | null
  detail?: Record<string, unknown> | null
}

/** What tool calls need from the ActivityLog service (`backlex.activity`). */
export interface ActivityRecorder {
  record(entry: ActivityRecord): Promise<unknown>
}

/** @backlex/collections' ActivityLog service, seen through `ActivityRecorder`. */
export const ActivityLogService = defineService<ActivityRecorder>('backlex.activity')
