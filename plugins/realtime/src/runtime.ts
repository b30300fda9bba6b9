// The realtime runtime of one kernel: open streams, channel feeds, the event log, the callers
// being re-checked, heartbeats and pruning. Routes and the Realtime service are built on it.

import type { CollectionsService, ItemsRuntime } from '@backlex/collections/contract'
import type {
  ClockAdapter,
  DatabaseAdapter,
  KvAdapter,
  LoggerAdapter,
  PrincipalResolver,
  PubSubAdapter,
} from '@backlex/kernel'
import { encodeEvent } from '@backlex/kernel'
import type { CollectionSchemaSource, PermissionsService } from '@backlex/permissions/contract'
import { feedTopic } from './channels.js'
import { type CallerRegistry, createCallerRegistry } from './credentials.js'
import { StreamEndCodes } from './errors.js'
import { Feed } from './feed/feed.js'
import { createEventLog, type EventLog, type LoggedEvent, type NewEvent } from './log/event-log.js'
import type { ResolvedRealtimeOptions } from './options.js'
import { SseConnection } from './sse/connection.js'
import {
  type FrameWriter,
  type StreamSink,
  type StreamSubscriber,
  writeLive,
  writeNow,
} from './subscriber.js'

export interface RuntimeDeps {
  database: DatabaseAdapter
  pubsub: PubSubAdapter
  kv: KvAdapter
  clock: ClockAdapter
  logger: LoggerAdapter
  permissions: PermissionsService | undefined
  collections: CollectionsService | undefined
  /** Reads subscriptions' `filter` and `fields` (the items query language); absent without collections. */
  items: ItemsRuntime | undefined
  resolvers: () => readonly PrincipalResolver[]
  schemaSources: () => readonly CollectionSchemaSource[]
  options: ResolvedRealtimeOptions
}

/** How a channel's events reach its subscribers (live, or replayed to one). */
export type Delivery<S extends StreamSubscriber> = (
  batch: readonly LoggedEvent[],
  subscribers: readonly S[],
  write: FrameWriter,
) => Promise<void> | void

export interface JoinRequest<S extends StreamSubscriber> {
  workspace: string
  channel: string
  subscriber: S
  /** The Last-Event-ID to resume after; undefined for a fresh subscription, NaN when malformed. */
  resumeAfter: number | undefined
  delivery: Delivery<S>
}

export interface RealtimeRuntime {
  readonly deps: RuntimeDeps
  readonly log: EventLog
  readonly callers: CallerRegistry
  /** A new SSE stream, counted for heartbeats and closed at shutdown. */
  openConnection(): SseConnection
  /**
   * Counts a sink opened elsewhere (an in-process subscription) like a connection: in stats,
   * heartbeats, drain and shutdown, which end it.
   */
  track(sink: StreamSink): void
  /** Logs events on a channel and sends them to every instance; resolves once logged. */
  publish(workspace: string, channel: string, events: readonly NewEvent[]): Promise<LoggedEvent[]>
  /**
   * Sends events already committed to the log (by a write's transaction) to every instance, and
   * trims the channel. A lost announcement is made up by the feeds' catch-up poll.
   */
  announce(workspace: string, channel: string, logged: readonly LoggedEvent[]): Promise<void>
  /**
   * Joins a channel's feed and starts the stream: replays what the subscriber missed (or sends
   * `reset` past retention), then `ready`, then live events. Resolves once joined.
   */
  join<S extends StreamSubscriber>(request: JoinRequest<S>): Promise<void>
  /** Subscribers of a channel on this instance (e.g. to end them when a collection goes). */
  subscribersOf(workspace: string, channel: string): StreamSubscriber[]
  /** Hooks run at each heartbeat (presence refresh). */
  onHeartbeat(task: () => void | Promise<void>): void
  readonly connections: number
  readonly channels: number
  start(): void
  /**
   * The server is shutting down: ends every stream (clients reconnect, to another instance, and
   * resume from the log), and ends streams opened from now on at once.
   */
  drain(): void
  stop(): Promise<void>
}

const REPLAY_PAGE = 500
const encoder = new TextEncoder()

export function createRealtimeRuntime(deps: RuntimeDeps): RealtimeRuntime {
  const { options, logger, pubsub } = deps
  const log = createEventLog(deps.database, deps.clock, {
    maxEventsPerChannel: options.retention.maxEventsPerChannel,
  })
  const callers = createCallerRegistry(deps.resolvers, logger)
  const connections = new Set<StreamSink>()
  const feeds = new Map<string, Feed<StreamSubscriber>>()
  const heartbeatTasks: (() => void | Promise<void>)[] = []
  let timers: ReturnType<typeof setInterval>[] = []
  let draining = false

  const feedKey = (workspace: string, channel: string) => `${workspace}\u0000${channel}`

  function feedFor<S extends StreamSubscriber>(
    workspace: string,
    channel: string,
    delivery: Delivery<S>,
  ): Feed<S> {
    const key = feedKey(workspace, channel)
    const existing = feeds.get(key)
    if (existing) return existing as unknown as Feed<S>
    const feed = new Feed<S>({
      workspace,
      channel,
      log,
      logger,
      gapWaitMs: options.gapWaitMs,
      catchUpMs: options.catchUpMs,
      listen: (handler) => pubsub.subscribe(feedTopic(workspace, channel), handler),
      deliver: (batch, subscribers) => delivery(batch, subscribers, writeLive),
      failed: (error, subscribers) => {
        logger.error('realtime could not deliver events', {
          channel,
          error: error instanceof Error ? error.message : String(error),
        })
        for (const s of subscribers) {
          s.connection.close({
            code: StreamEndCodes.DELIVERY_FAILED,
            message: 'Events could not be delivered; reconnect to resume.',
          })
        }
      },
    })
    feeds.set(key, feed as unknown as Feed<StreamSubscriber>)
    feed.ready.catch((error: unknown) => {
      if (feeds.get(key) === (feed as unknown)) feeds.delete(key)
      logger.error('realtime could not listen on a channel', {
        channel,
        error: error instanceof Error ? error.message : String(error),
      })
    })
    return feed
  }

  function leave<S extends StreamSubscriber>(key: string, feed: Feed<S>, subscriber: S) {
    if (feed.detach(subscriber) && feeds.get(key) === (feed as unknown)) {
      feeds.delete(key)
      void feed.stop()
    }
  }

  async function replay<S extends StreamSubscriber>(request: JoinRequest<S>, position: number) {
    const { workspace, channel, subscriber, resumeAfter, delivery } = request
    const connection = subscriber.connection
    if (resumeAfter !== undefined && resumeAfter !== position) {
      let reset = Number.isNaN(resumeAfter) || resumeAfter > position
      let after = resumeAfter
      let first = true
      while (!reset && after < position && connection.isOpen) {
        const page = await log.read(workspace, channel, after, {
          upTo: position,
          limit: REPLAY_PAGE,
        })
        // Numbers have no gaps: a missing first event means it was pruned.
        if (first && page[0]?.seq !== resumeAfter + 1) reset = true
        first = false
        const last = page.at(-1)
        if (reset || !last) break
        await delivery(page, [subscriber], writeNow)
        after = last.seq
      }
      if (reset) connection.writeNow(encodeEvent('reset', { channel }, position))
    }
    connection.writeNow(encodeEvent('ready', { channel }, position))
    connection.release()
  }

  async function send(workspace: string, channel: string, logged: readonly LoggedEvent[]) {
    const last = logged.at(-1)
    const first = logged[0]
    if (!first || !last) return
    const inline = JSON.stringify({ events: logged })
    const message =
      encoder.encode(inline).byteLength <= options.inlineBytes
        ? { events: logged }
        : { from: first.seq, to: last.seq }
    try {
      await pubsub.publish(feedTopic(workspace, channel), message)
    } catch (error) {
      // Logged already: subscribers get it when the next event reveals the gap, from the feeds'
      // catch-up poll, or on resume.
      logger.error('realtime could not publish an event', {
        channel,
        error: error instanceof Error ? error.message : String(error),
      })
    }
  }

  const runtime: RealtimeRuntime = {
    deps,
    log,
    callers,
    openConnection() {
      const connection = new SseConnection({
        maxBufferBytes: options.maxBufferBytes,
        slowConsumerGraceMs: options.slowConsumerGraceMs,
        retryMs: options.retryMs,
      })
      runtime.track(connection)
      return connection
    },

    track(sink) {
      // While draining, a client only gets its reconnect delay: it comes back elsewhere.
      if (draining) sink.close()
      connections.add(sink)
      sink.onEnd(() => connections.delete(sink))
    },

    async publish(workspace, channel, events) {
      const logged = await log.append(workspace, channel, events)
      await send(workspace, channel, logged)
      return logged
    },

    async announce(workspace, channel, logged) {
      await send(workspace, channel, logged)
      await log.trim(workspace, channel, logged).catch((error: unknown) =>
        logger.warn('realtime could not trim a channel', {
          channel,
          error: error instanceof Error ? error.message : String(error),
        }),
      )
    },

    async join(request) {
      const { workspace, channel, subscriber } = request
      const key = feedKey(workspace, channel)
      const feed = feedFor(workspace, channel, request.delivery)
      // Live events wait while the missed ones are replayed.
      subscriber.connection.hold()
      const position = await feed.attach(subscriber)
      // Runs at once when the client already left.
      subscriber.connection.onEnd(() => leave(key, feed, subscriber))
      replay(request, position).catch((error: unknown) => {
        logger.error('realtime replay failed', {
          channel,
          error: error instanceof Error ? error.message : String(error),
        })
        subscriber.connection.close({
          code: StreamEndCodes.REPLAY_FAILED,
          message: 'Missed events could not be read; reconnect.',
        })
      })
    },

    subscribersOf(workspace, channel) {
      return [...(feeds.get(feedKey(workspace, channel))?.subscribers ?? [])]
    },

    onHeartbeat(task) {
      heartbeatTasks.push(task)
    },

    get connections() {
      return connections.size
    },
    get channels() {
      return feeds.size
    },

    start() {
      const heartbeat = setInterval(() => {
        for (const connection of connections) connection.heartbeat()
        for (const task of heartbeatTasks) {
          Promise.resolve()
            .then(task)
            .catch((error: unknown) =>
              logger.warn('realtime heartbeat task failed', {
                error: error instanceof Error ? error.message : String(error),
              }),
            )
        }
        void callers.refreshAll()
      }, options.heartbeatMs)
      const prune = setInterval(() => {
        const cutoff = new Date(deps.clock.now().getTime() - options.retention.maxAgeMs)
        log.pruneOlderThan(cutoff).catch((error: unknown) =>
          logger.warn('realtime could not prune old events', {
            error: error instanceof Error ? error.message : String(error),
          }),
        )
      }, options.pruneIntervalMs)
      timers = [heartbeat, prune]
      // Timers must not keep a process alive on their own.
      for (const timer of timers) (timer as { unref?: () => void }).unref?.()
    },

    drain() {
      draining = true
      // No reason given: clients reconnect and resume.
      for (const connection of [...connections]) connection.close()
    },

    async stop() {
      draining = false
      for (const timer of timers) clearInterval(timer)
      timers = []
      // No reason given: clients reconnect (to another instance) and resume.
      for (const connection of [...connections]) connection.close()
      await Promise.all([...feeds.values()].map((feed) => feed.stop()))
      feeds.clear()
    },
  }
  return runtime
}
