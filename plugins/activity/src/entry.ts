// Checking an entry before it is stored, and the row it becomes.
import type { Principal } from '@backlex/kernel'
import { ACTIVITY_ACTION, type ActivityEntry } from './contract.js'
import { ActivityErrors } from './errors.js'

const MAX_DETAIL_CHARS = 16_384

/** What one row says besides who made it; '' stands for "no collection" / "no item". */
export interface ActivityFacts {
  action: string
  collection: string
  item: string
  detail: Record<string, unknown> | null
}

/** The facts of `entry`, or INVALID_ACTIVITY saying what is wrong with it. */
export function checkEntry(entry: ActivityEntry, itemWrites: boolean): ActivityFacts {
  if (!entry.workspace) throw ActivityErrors.INVALID_ACTIVITY('workspace is empty')
  if (!ACTIVITY_ACTION.test(entry.action) || entry.action.length > 64) {
    throw ActivityErrors.INVALID_ACTIVITY(
      `action "${entry.action.slice(0, 64)}" is not dot-namespaced lower snake case, e.g. "mcp.call"`,
    )
  }
  if (entry.action.startsWith('item.') && !itemWrites) {
    throw ActivityErrors.INVALID_ACTIVITY('item.* actions are written by the items API only')
  }
  const collection = entry.collection ?? ''
  const item = entry.item === null || entry.item === undefined ? '' : String(entry.item)
  if (collection.length > 128) throw ActivityErrors.INVALID_ACTIVITY('collection is too long')
  if (item.length > 255) throw ActivityErrors.INVALID_ACTIVITY('item is too long')
  const detail = entry.detail ?? null
  if (detail !== null) {
    if (typeof detail !== 'object' || Array.isArray(detail)) {
      throw ActivityErrors.INVALID_ACTIVITY('detail must be a JSON object')
    }
    let text: string
    try {
      text = JSON.stringify(detail)
    } catch {
      throw ActivityErrors.INVALID_ACTIVITY('detail is not serializable as JSON')
    }
    if (text.length > MAX_DETAIL_CHARS) {
      throw ActivityErrors.INVALID_ACTIVITY(`detail is over ${MAX_DETAIL_CHARS} characters of JSON`)
    }
  }
  return { action: entry.action, collection, item, detail }
}

/** Who made an entry, and from where. */
interface Actor {
  principal: Principal
  requestId?: string | null | undefined
  clientAddress?: string | null | undefined
}

/**
 * One row of the activity table, ready to insert.
 * @example
 * activityRow(sortableId(ms), 'main', entry, checkEntry(entry, false), at)
 */
export function activityRow(
  id: string,
  workspace: string,
  actor: Actor,
  facts: ActivityFacts,
  at: Date | string,
) {
  const { principal } = actor
  return {
    id,
    workspace,
    action: facts.action,
    collection: facts.collection,
    item: facts.item,
    principal_type: principal.type,
    user_id: principal.userId,
    api_key_id: principal.type === 'apiKey' ? principal.id : null,
    client_address: actor.clientAddress ?? null,
    request_id: actor.requestId ?? null,
    detail: facts.detail === null ? null : JSON.stringify(facts.detail),
    created_at: at,
  }
}
