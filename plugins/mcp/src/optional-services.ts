// The parts of other plugins' services this plugin uses when they are installed. Tokens match
// by id, so these narrow views resolve to @backlex/collections' and @backlex/permissions' own
// services without making either a dependency of this package.
import { defineService, type Principal } from '@backlex/kernel'

/** A collection's schema as @backlex/collections returns it; only `slug` and `fields` are read. */
export interface CollectionSchemaLike {
  slug: string
  fields: readonly { name: string }[]
  note?: string
  [key: string]: unknown
}

/** What MCP resources need from the Collections service (`backlex.collections`). */
export interface CollectionSchemaReader {
  list(workspace: string): Promise<readonly CollectionSchemaLike[]>
  get(workspace: string, slug: string): Promise<CollectionSchemaLike | undefined>
}

/** @backlex/collections' service, seen through `CollectionSchemaReader`. */
export const CollectionSchemasService = defineService<CollectionSchemaReader>('backlex.collections')

/** What resources need from the Permissions service (`backlex.permissions`): readable fields. */
export interface ReadRulesSource {
  rulesFor(
    principal: Principal,
    target: { workspace: string; collection: string; action: 'read' },
  ): Promise<{ readonly fields: '*' | readonly string[] } | null>
}

/** @backlex/permissions' service, seen through `ReadRulesSource`. */
export const ReadRules = defineService<ReadRulesSource>('backlex.permissions')

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
