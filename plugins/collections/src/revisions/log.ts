// What revisions need of the activity log (@backlex/activity, optional): write a change's
// `item.*` entries in its transaction, and read them back as a reader may see them. Declared here
// so this package's public types name nothing of the optional package; ActivityLogService
// satisfies it (checked at compile time in ../integrations.test.ts).
import type { Principal } from '@backlex/kernel'
import { z } from 'zod'
import type { Db } from '../items/read/select.js'

/**
 * A change's activity entry as revisions show it: the response schema of GET /api/revisions
 * (entries of GET /api/activity have the same shape).
 */
export const revisionActivity = z.object({
  id: z.string(),
  action: z
    .string()
    .describe('Dot-namespaced: item.create, item.update, item.delete, mcp.call, ...'),
  collection: z.string().nullable().describe('null when the entry is about no collection'),
  item: z.string().nullable().describe('null when the entry is about no item'),
  principalType: z.string(),
  userId: z.string().nullable(),
  apiKeyId: z.string().nullable(),
  clientAddress: z.string().nullable(),
  requestId: z.string().nullable(),
  detail: z
    .record(z.string(), z.unknown())
    .nullable()
    .describe('What the writer added (e.g. tool, endpoint, ok, error, durationMs of mcp.call)'),
  createdAt: z.string(),
})

export type RevisionActivity = z.infer<typeof revisionActivity>

/** One `item.*` entry of a change. */
export interface ItemActivityEntry {
  workspace: string
  action: string
  principal: Principal
  requestId?: string | null | undefined
  clientAddress?: string | null | undefined
  collection: string
  item: string
}

/** The activity log as the items API uses it: the `ActivityLog` service of @backlex/activity. */
export interface ItemsActivityLog {
  /** Writes the entries through `db` (the write's transaction); their ids, in order. */
  record(
    entries: readonly ItemActivityEntry[],
    options: { db: Db; at: Date; itemWrites: true },
  ): Promise<string[]>
  /** Entries by id, as `reader` may see them. */
  entries(
    reader: { principal: Principal; workspace: string },
    ids: readonly string[],
  ): Promise<Map<string, RevisionActivity>>
}
