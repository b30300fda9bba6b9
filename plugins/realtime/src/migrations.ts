// The durable event log on both dialects: events per (workspace, channel) numbered without gaps
// by a per-channel counter, so a reconnect can replay exactly what it missed.
import type { PluginMigration } from '@backlex/kernel'

/** One row per event: (workspace, channel, seq) -> type, data (JSON), created_at. */
export const EVENTS_TABLE = 'backlex_realtime_events'
/** One row per channel: the number of its last event. */
export const CHANNELS_TABLE = 'backlex_realtime_channels'

const init: PluginMigration = {
  async up(db, dialect) {
    const timestamp = dialect === 'postgres' ? 'timestamptz' : 'text'
    await db.schema
      .createTable(EVENTS_TABLE)
      .addColumn('workspace', 'text', (c) => c.notNull())
      .addColumn('channel', 'text', (c) => c.notNull())
      .addColumn('seq', 'bigint', (c) => c.notNull())
      .addColumn('type', 'text', (c) => c.notNull())
      .addColumn('data', 'text', (c) => c.notNull())
      .addColumn('created_at', timestamp, (c) => c.notNull())
      .addPrimaryKeyConstraint(`${EVENTS_TABLE}_pk`, ['workspace', 'channel', 'seq'])
      .execute()
    // Pruning by age scans this index, not the table.
    await db.schema
      .createIndex(`${EVENTS_TABLE}_created_at`)
      .on(EVENTS_TABLE)
      .column('created_at')
      .execute()
    // The counter survives pruning, so numbers never restart on a quiet channel.
    await db.schema
      .createTable(CHANNELS_TABLE)
      .addColumn('workspace', 'text', (c) => c.notNull())
      .addColumn('channel', 'text', (c) => c.notNull())
      .addColumn('last_seq', 'bigint', (c) => c.notNull())
      .addPrimaryKeyConstraint(`${CHANNELS_TABLE}_pk`, ['workspace', 'channel'])
      .execute()
  },
  async down(db) {
    await db.schema.dropTable(EVENTS_TABLE).execute()
    await db.schema.dropTable(CHANNELS_TABLE).execute()
  },
}

/** Applied in key order by the kernel. */
export const migrations: Readonly<Record<string, PluginMigration>> = { '0001_event_log': init }
