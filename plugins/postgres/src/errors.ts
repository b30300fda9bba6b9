// Every way @backlex/postgres can fail.
import { BacklexError } from '@backlex/kernel'

export const PostgresErrors = {
  NO_CONNECTION_STRING: () =>
    new BacklexError(
      'POSTGRES_NO_CONNECTION_STRING',
      500,
      '@backlex/postgres needs a connectionString option or the DATABASE_URL environment variable.',
    ),
  PUBSUB_PAYLOAD_TOO_LARGE: (bytes: number) =>
    new BacklexError(
      'PUBSUB_PAYLOAD_TOO_LARGE',
      500,
      `A PubSub message of ${bytes} bytes exceeds PostgreSQL's NOTIFY limit of 7999 bytes.`,
      { bytes },
    ),
  PUBSUB_UNAVAILABLE: (waitedMs: number) =>
    new BacklexError(
      'PUBSUB_UNAVAILABLE',
      503,
      `Could not LISTEN on PostgreSQL within ${waitedMs} ms; is the database reachable?`,
      { waitedMs },
    ),
  /** The server is unreachable or dropped the connection; the pool reconnects on its own. */
  DATABASE_UNAVAILABLE: (cause: unknown) =>
    new BacklexError(
      'DATABASE_UNAVAILABLE',
      503,
      'The database is unavailable right now; retry in a moment.',
      undefined,
      { cause },
    ),
  INVALID_CHANNEL: (channel: string) =>
    new BacklexError(
      'POSTGRES_INVALID_CHANNEL',
      500,
      `"${channel}" is not a valid NOTIFY channel name (^[a-z_][a-z0-9_]{0,62}$).`,
    ),
} as const
