// The durable event log: appends a channel's events under a per-channel counter (one
// transaction, so numbers have no gaps and commit in order), reads what a reconnect missed,
// and prunes by age and by count.
import type { ClockAdapter, DatabaseAdapter } from '@backlex/kernel'
import { sql } from 'kysely'
import { CHANNELS_TABLE, EVENTS_TABLE } from '../migrations.js'

/** One event of a channel, as stored and as it travels between instances. */
export interface LoggedEvent {
  /** Increases by one per event of the channel; the SSE `id`. */
  readonly seq: number
  readonly type: string
  readonly data: unknown
  /** ISO time it was logged. */
  readonly at: string
}

export interface NewEvent {
  readonly type: string
  readonly data: unknown
}

export interface EventLog {
  /** Appends events in order; the events of one channel are appended one call at a time. */
  append(workspace: string, channel: string, events: readonly NewEvent[]): Promise<LoggedEvent[]>
  /** Events with `after < seq <= upTo` (or every later one), oldest first, at most `limit`. */
  read(
    workspace: string,
    channel: string,
    after: number,
    options?: { upTo?: number; limit?: number },
  ): Promise<LoggedEvent[]>
  /** The number of the channel's last event (0: none yet). */
  position(workspace: string, channel: string): Promise<number>
  /** Deletes events older than the retention age; returns how many. */
  pruneOlderThan(cutoff: Date): Promise<number>
}

export interface EventLogOptions {
  maxEventsPerChannel: number
}

type Row = { seq: number | string; type: string; data: string; created_at: Date | string }

const INSERT_CHUNK = 200
// Counting by number is exact because numbers have no gaps; trim once per this many events.
const TRIM_EVERY = 100

const iso = (value: Date | string) => (value instanceof Date ? value.toISOString() : value)

export function createEventLog(
  database: DatabaseAdapter,
  clock: ClockAdapter,
  options: EventLogOptions,
): EventLog {
  const { db } = database
  // Appends of one channel on this instance run one after the other, in call order: action
  // hooks are called in the order of the writes, so that is the order subscribers see.
  const chains = new Map<string, Promise<unknown>>()

  const serially = <T>(key: string, work: () => Promise<T>): Promise<T> => {
    const previous = chains.get(key) ?? Promise.resolve()
    const next = previous.then(work, work)
    chains.set(key, next)
    next.then(
      () => chains.get(key) === next && chains.delete(key),
      () => chains.get(key) === next && chains.delete(key),
    )
    return next
  }

  return {
    append(workspace, channel, events) {
      if (events.length === 0) return Promise.resolve([])
      return serially(`${workspace}\u0000${channel}`, async () => {
        const at = clock.now().toISOString()
        const count = events.length
        const run = async (trx: typeof db): Promise<LoggedEvent[]> => {
          const counter = await trx
            .insertInto(CHANNELS_TABLE)
            .values({ workspace, channel, last_seq: count })
            .onConflict((oc) =>
              oc.columns(['workspace', 'channel']).doUpdateSet({
                last_seq: sql`${sql.ref(`${CHANNELS_TABLE}.last_seq`)} + ${count}`,
              }),
            )
            .returning('last_seq')
            .executeTakeFirstOrThrow()
          const last = Number((counter as { last_seq: number | string }).last_seq)
          const first = last - count + 1
          const logged = events.map((e, i) => ({ seq: first + i, type: e.type, data: e.data, at }))
          for (let i = 0; i < logged.length; i += INSERT_CHUNK) {
            await trx
              .insertInto(EVENTS_TABLE)
              .values(
                logged.slice(i, i + INSERT_CHUNK).map((e) => ({
                  workspace,
                  channel,
                  seq: e.seq,
                  type: e.type,
                  data: JSON.stringify(e.data ?? null),
                  created_at: at,
                })),
              )
              .execute()
          }
          const keepFrom = last - options.maxEventsPerChannel
          if (
            keepFrom > 0 &&
            Math.floor(last / TRIM_EVERY) !== Math.floor((first - 1) / TRIM_EVERY)
          ) {
            await trx
              .deleteFrom(EVENTS_TABLE)
              .where('workspace', '=', workspace)
              .where('channel', '=', channel)
              .where('seq', '<=', keepFrom)
              .execute()
          }
          return logged
        }
        return database.capabilities.transactions ? db.transaction().execute(run) : run(db)
      })
    },

    async read(workspace, channel, after, readOptions = {}) {
      let query = db
        .selectFrom(EVENTS_TABLE)
        .select(['seq', 'type', 'data', 'created_at'])
        .where('workspace', '=', workspace)
        .where('channel', '=', channel)
        .where('seq', '>', after)
      if (readOptions.upTo !== undefined) query = query.where('seq', '<=', readOptions.upTo)
      const rows = (await query
        .orderBy('seq')
        .limit(readOptions.limit ?? 1000)
        .execute()) as Row[]
      return rows.map((r) => ({
        seq: Number(r.seq),
        type: r.type,
        data: JSON.parse(r.data) as unknown,
        at: iso(r.created_at),
      }))
    },

    async position(workspace, channel) {
      const row = (await db
        .selectFrom(CHANNELS_TABLE)
        .select('last_seq')
        .where('workspace', '=', workspace)
        .where('channel', '=', channel)
        .executeTakeFirst()) as { last_seq: number | string } | undefined
      return row ? Number(row.last_seq) : 0
    },

    async pruneOlderThan(cutoff) {
      const result = await db
        .deleteFrom(EVENTS_TABLE)
        .where('created_at', '<', cutoff.toISOString())
        .executeTakeFirst()
      return Number(result.numDeletedRows)
    },
  }
}
