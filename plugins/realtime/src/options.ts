// The options of realtime(): retention of the event log, heartbeats, buffers and rate limits.
import { z } from 'zod'

/**
 * The options of `realtime()`, validated at boot; every one has a default.
 * @example
 * realtime({ retention: { maxAgeMs: 6 * 60 * 60 * 1000 }, publishRateLimit: { max: 20 } })
 */
export const realtimeOptions = z.object({
  retention: z
    .object({
      /** Events older than this are pruned (default 24 hours). */
      maxAgeMs: z
        .number()
        .int()
        .positive()
        .default(24 * 60 * 60 * 1000),
      /** At most this many events are kept per channel (default 10,000). */
      maxEventsPerChannel: z.number().int().positive().default(10_000),
    })
    .prefault({}),
  /** How often pruning of old events runs, in ms (default 60,000). */
  pruneIntervalMs: z.number().int().positive().default(60_000),
  /**
   * Interval of heartbeat comments on every stream, in ms (default 15,000): keeps proxies from
   * closing idle connections; presence rosters are refreshed and credentials re-checked as often.
   */
  heartbeatMs: z.number().int().positive().default(15_000),
  /**
   * Bytes a stream may keep queued (for longer than 50 ms, so a burst does not count) before its
   * client counts as too slow and is cut with REALTIME_SLOW_CONSUMER (default 1 MiB).
   */
  maxBufferBytes: z
    .number()
    .int()
    .positive()
    .default(1024 * 1024),
  /** How long a cut slow consumer may take to read its last bytes before the socket is closed. */
  slowConsumerGraceMs: z.number().int().nonnegative().default(5_000),
  /** The reconnect delay sent to EventSource clients (`retry:`), in ms. */
  retryMs: z.number().int().positive().default(2_000),
  /** How long an out-of-order event waits for the ones before it before the log is read, in ms. */
  gapWaitMs: z.number().int().nonnegative().default(100),
  /**
   * How often each channel with subscribers on this instance reads the log's head, in ms
   * (default 1,000): catches up events whose announcement was lost (a crash between commit and
   * publish, a PubSub outage) when no later event reveals the gap. One primary-key read each.
   */
  catchUpMs: z.number().int().positive().default(1_000),
  /** Event batches up to this size travel inline through PubSub; larger ones are read from the log. */
  inlineBytes: z.number().int().positive().default(6_000),
  /** Largest free-form message (the JSON of `data`), in bytes (default 16 KiB). */
  maxMessageBytes: z
    .number()
    .int()
    .positive()
    .default(16 * 1024),
  /** Publishes per principal per window on free-form channels, counted in the kernel's Kv. */
  publishRateLimit: z
    .object({
      max: z.number().int().positive().default(60),
      windowMs: z.number().int().positive().default(60_000),
    })
    .prefault({}),
})

export type RealtimeOptions = z.input<typeof realtimeOptions>
export type ResolvedRealtimeOptions = z.output<typeof realtimeOptions>
