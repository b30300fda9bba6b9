// Fan-out of item events: per batch, callers are checked again (once per credential), rules
// are looked up once per distinct principal (cached by the permissions service), and each
// event is matched in process against each subscriber's rules and filter: no query per
// subscriber. Frames are encoded once per (principal, fields, outcome) and shared.

import type { LoggerAdapter, Principal, SqlDialect } from '@backlex/kernel'
import { encodeEvent, type Frame } from '@backlex/kernel'
import type { PermissionsService, Row } from '@backlex/permissions/contract'
import { deliveryStamp } from '../credentials.js'
import type { LoggedEvent } from '../log/event-log.js'
import type { FrameWriter, ItemsSubscriber } from '../subscriber.js'
import { type RowAccess, rowAccess } from './access.js'

/** What an item event holds in the log: full rows, filtered per subscriber on the way out. */
export interface ItemEventData {
  key: string | number
  before?: Row | null
  after?: Row | null
  /** Sent by an admin through test-publish, not by a write. */
  synthetic?: boolean
}

export interface ItemsTarget {
  workspace: string
  collection: string
  primaryKey: string
}

export interface ItemsDeliveryDeps {
  permissions: PermissionsService
  dialect: SqlDialect
  logger: LoggerAdapter
}

type Outcome = 'create' | 'update' | 'delete' | 'leave'

function pick(row: Row, fields: readonly string[] | null): Row {
  if (fields === null) return row
  const out: Record<string, unknown> = {}
  for (const f of fields) if (Object.hasOwn(row, f)) out[f] = row[f]
  return out
}

/** Whether two projections of a row hold the same fields and values (rows are plain JSON). */
function sameRow(a: Row, b: Row | null): boolean {
  if (b === null) return false
  const keys = Object.keys(a)
  if (keys.length !== Object.keys(b).length) return false
  for (const key of keys) {
    if (!Object.hasOwn(b, key)) return false
    const x = a[key]
    const y = b[key]
    if (x === y) continue
    if (typeof x !== 'object' || typeof y !== 'object' || x === null || y === null) return false
    if (JSON.stringify(x) !== JSON.stringify(y)) return false
  }
  return true
}

function outcomeOf(type: string, passBefore: boolean, passAfter: boolean): Outcome | null {
  switch (type) {
    case 'create':
      return passAfter ? 'create' : null
    case 'update':
      // A row that comes into view is sent as an update: the client upserts it.
      return passAfter ? 'update' : passBefore ? 'leave' : null
    case 'delete':
      return passBefore ? 'delete' : null
    default:
      return null
  }
}

/**
 * The delivery function of one items channel.
 * @example
 * const deliver = createItemsDelivery(deps, { workspace: 'main', collection: 'posts', primaryKey: 'id' })
 * await deliver(events, subscribers, writeLive)
 */
export function createItemsDelivery(deps: ItemsDeliveryDeps, target: ItemsTarget) {
  const { permissions, dialect } = deps
  const access = {
    workspace: target.workspace,
    collection: target.collection,
    action: 'read',
  } as const

  return async function deliverItems(
    batch: readonly LoggedEvent[],
    subscribers: readonly ItemsSubscriber[],
    write: FrameWriter,
  ): Promise<void> {
    const stamp = deliveryStamp()
    const callers = new Set(
      subscribers.filter((s) => s.caller.checked && s.connection.isOpen).map((s) => s.caller),
    )
    if (callers.size > 0) await Promise.all([...callers].map((c) => c.refresh(stamp)))

    const byPrincipal = new Map<Principal, ItemsSubscriber[]>()
    for (const s of subscribers) {
      if (!s.connection.isOpen) continue
      const principal = s.caller.principal
      const list = byPrincipal.get(principal)
      if (list) list.push(s)
      else byPrincipal.set(principal, [s])
    }
    const groups = await Promise.all(
      [...byPrincipal].map(async ([principal, members]) => {
        const rules = await permissions.rulesFor(principal, access)
        const view: RowAccess | null = rules
          ? rowAccess(rules, permissions.variables(principal), target.primaryKey, dialect)
          : null
        return { view, members }
      }),
    )

    for (const event of batch) {
      const data = event.data as ItemEventData
      for (const { view, members } of groups) {
        if (!view) continue
        const before = data.before ? view.visible(data.before) : null
        const after = data.after ? view.visible(data.after) : null
        if (before === null && after === null) continue
        // Only fields this caller cannot read changed: telling it would reveal that they did.
        const unseen =
          event.type === 'update' && !data.synthetic && before !== null && sameRow(before, after)
        const frames = new Map<string, Frame>()
        for (const s of members) {
          const passBefore =
            before !== null && (s.filter === null || s.filter(before, view.variables))
          const passAfter = after !== null && (s.filter === null || s.filter(after, view.variables))
          const outcome = outcomeOf(event.type, passBefore, passAfter)
          if (!outcome || (unseen && outcome === 'update' && passBefore)) continue
          const memo = `${outcome}\u0000${s.fieldsKey}`
          let frame = frames.get(memo)
          if (!frame) {
            const row = outcome === 'create' || outcome === 'update' ? after : null
            frame = encodeEvent(
              outcome,
              {
                collection: target.collection,
                key: data.key,
                ...(row ? { data: pick(row, s.fields) } : {}),
                ...(data.synthetic ? { synthetic: true } : {}),
              },
              event.seq,
            )
            frames.set(memo, frame)
          }
          write(s, frame)
        }
      }
    }
  }
}
