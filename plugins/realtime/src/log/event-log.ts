// The durable event log: appends a channel's events under a per-channel counter (in the
// writer's transaction, so numbers have no gaps and commit in order), reads what a reconnect
// missed, and prunes by age, by count, and whole channels (a dropped collection's history).
import type { ClockAdapter, DatabaseAdapter } from '@backlex/kernel'
import { type Kysely, sql } from 'kysely'
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

// biome-ignore lint/suspicious/noExplicitAny: the log's tables are not part of a typed schema
type AnyDb = Kysely<any>

export interface EventLog {
  /** Appends events in order in a transaction of their own, then trims the channel. */
  append(workspace: string, channel: string, events: readonly NewEvent[]): Promise<LoggedEvent[]>
  /**
   * Appends events through `db`, another write's transaction (an outbox): they commit or roll
   * back with it. The channel's counter row stays locked until that transaction ends, so
   * concurrent writers of a channel commit their events in number order; call it last.
   */
  appendIn(
    db: AnyDb,
    workspace: string,
    channel: string,
    events: readonly NewEvent[],
  ): Promise<LoggedEvent[]>
  /** Drops events past `maxEventsPerChannel` once `logged` crossed a trim boundary (after commit). */
  trim(workspace: string, channel: string, logged: readonly LoggedEvent[]): Promise<void>
  /**
   * Deletes the events of a channel (all, or those logged before `olderThan`) and skips one
   * number, so a Last-Event-ID from before (even the last one) no longer lines up and the
   * subscriber gets `reset`. With `onlyIfAny`, nothing is skipped when nothing was deleted.
   * Returns how many events were deleted.
   */
  purge(
    workspace: string,
    channel: string,
    options?: { olderThan?: Date; onlyIfAny?: boolean },
  ): Promise<number>
  /** The channels with a counter whose name starts with `prefix`, in every workspace. */
  channels(prefix: string): Promise<{ workspace: string; channel: string }[]>
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

  const { dialect } = database

  async function appendIn(
    trx: AnyDb,
    workspace: string,
    channel: string,
    events: readonly NewEvent[],
  ): Promise<LoggedEvent[]> {
    if (events.length === 0) return []
    const at = clock.now().toISOString()
    const count = events.length
    const encoded = events.map((e) => JSON.stringify(e.data ?? null))
    if (dialect === 'postgres' && count <= INSERT_CHUNK) {
      // One statement: the counter row is locked from here to the commit that follows.
      const rows = await sql<{ seq: number | string }>`
        with counter as (
          insert into ${sql.table(CHANNELS_TABLE)} (workspace, channel, last_seq)
          values (${workspace}, ${channel}, ${count})
          on conflict (workspace, channel)
          do update set last_seq = ${sql.ref(`${CHANNELS_TABLE}.last_seq`)} + ${count}
          returning last_seq
        )
        insert into ${sql.table(EVENTS_TABLE)} (workspace, channel, seq, type, data, created_at)
        select ${workspace}, ${channel}, counter.last_seq - ${count} + v.i, v.type, v.data, ${at}::timestamptz
        from counter, (values ${sql.join(
          events.map((e, i) => sql`(${i + 1}::bigint, ${e.type}::text, ${encoded[i]}::text)`),
        )}) as v(i, type, data)
        returning seq`.execute(trx)
      const last = Math.max(...rows.rows.map((r) => Number(r.seq)))
      const first = last - count + 1
      return events.map((e, i) => ({ seq: first + i, type: e.type, data: e.data, at }))
    }
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
          logged.slice(i, i + INSERT_CHUNK).map((e, j) => ({
            workspace,
            channel,
            seq: e.seq,
            type: e.type,
            data: encoded[i + j],
            created_at: at,
          })),
        )
        .execute()
    }
    return logged
  }

  async function trim(workspace: string, channel: string, logged: readonly LoggedEvent[]) {
    const first = logged[0]?.seq
    const last = logged.at(-1)?.seq
    if (first === undefined || last === undefined) return
    const keepFrom = last - options.maxEventsPerChannel
    if (keepFrom <= 0 || Math.floor(last / TRIM_EVERY) === Math.floor((first - 1) / TRIM_EVERY)) {
      return
    }
    await db
      .deleteFrom(EVENTS_TABLE)
      .where('workspace', '=', workspace)
      .where('channel', '=', channel)
      .where('seq', '<=', keepFrom)
      .execute()
  }

  const inTransaction = <T>(work: (trx: AnyDb) => Promise<T>): Promise<T> =>
    database.capabilities.transactions ? db.transaction().execute(work) : work(db)

  return {
    appendIn,
    trim,

    append(workspace, channel, events) {
      if (events.length === 0) return Promise.resolve([])
      return serially(`${workspace}\u0000${channel}`, async () => {
        const logged = await inTransaction((trx) => appendIn(trx, workspace, channel, events))
        await trim(workspace, channel, logged)
        return logged
      })
    },

    async purge(workspace, channel, purgeOptions = {}) {
      return inTransaction(async (trx) => {
        const skip = () =>
          trx
            .updateTable(CHANNELS_TABLE)
            .set({ last_seq: sql`${sql.ref('last_seq')} + 1` })
            .where('workspace', '=', workspace)
            .where('channel', '=', channel)
            .execute()
        // The counter first: on PostgreSQL its row lock orders this after any append in flight.
        if (!purgeOptions.onlyIfAny) await skip()
        let query = trx
          .deleteFrom(EVENTS_TABLE)
          .where('workspace', '=', workspace)
          .where('channel', '=', channel)
        if (purgeOptions.olderThan) {
          query = query.where('created_at', '<', purgeOptions.olderThan.toISOString())
        }
        const deleted = Number((await query.executeTakeFirst()).numDeletedRows)
        if (purgeOptions.onlyIfAny && deleted > 0) await skip()
        return deleted
      })
    },

    async channels(prefix) {
      const rows = (await db
        .selectFrom(CHANNELS_TABLE)
        .select(['workspace', 'channel'])
        // `like` narrows (a `_` in the prefix matches any character); startsWith decides.
        .where('channel', 'like', `${prefix}%`)
        .execute()) as { workspace: string; channel: string }[]
      return rows.filter((r) => r.channel.startsWith(prefix))
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
