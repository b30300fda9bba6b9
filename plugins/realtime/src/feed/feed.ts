// One channel's live feed on this instance: receives the channel's events from PubSub (inline,
// or as a range to read from the log), puts them in order without gaps or repeats (filling a
// gap from the log when an event is late or was lost), and hands ordered batches to a delivery
// function. Subscribers join between batches, so each knows exactly which events it has seen.
import type { LoggerAdapter } from '@backlex/kernel'
import type { EventLog, LoggedEvent } from '../log/event-log.js'

/** What travels through PubSub for a channel: the events, or the range to read from the log. */
export type FeedMessage = { events: LoggedEvent[] } | { from: number; to: number }

export interface FeedOptions<S> {
  workspace: string
  channel: string
  log: EventLog
  logger: LoggerAdapter
  gapWaitMs: number
  /**
   * How often, while it has subscribers, the feed reads the log's head and catches up on events
   * it never heard of (their announcement was lost); 0 turns it off.
   */
  catchUpMs?: number
  /** Subscribes to the channel's PubSub topic; resolves once live. */
  listen(handler: (message: unknown) => void): Promise<() => Promise<void>>
  /** Hands an ordered batch to the subscribers present when it was taken. */
  deliver(batch: readonly LoggedEvent[], subscribers: readonly S[]): Promise<void> | void
  /** A batch could not be delivered: its subscribers must reconnect and resume from the log. */
  failed(error: unknown, subscribers: readonly S[]): void
}

type Input<S> =
  | { kind: 'events'; events: LoggedEvent[] }
  | { kind: 'range'; from: number; to: number }
  | { kind: 'fill' }
  | { kind: 'head' }
  | { kind: 'attach'; subscriber: S; done: (position: number) => void }

const READ_PAGE = 500

export class Feed<S> {
  readonly subscribers = new Set<S>()
  /** Every event up to this number has been delivered (or was before this feed started). */
  private delivered = 0
  private started = false
  private readonly inbox: Input<S>[] = []
  private readonly pending = new Map<number, LoggedEvent>()
  private running = false
  private gapTimer: ReturnType<typeof setTimeout> | undefined
  private catchUpTimer: ReturnType<typeof setInterval> | undefined
  private stopListening: (() => Promise<void>) | undefined
  private stopped = false
  readonly ready: Promise<void>
  private readonly options: FeedOptions<S>

  constructor(options: FeedOptions<S>) {
    this.options = options
    this.ready = this.start()
  }

  /**
   * Adds a subscriber between two batches; resolves to the number of the last event delivered
   * before it joined. Every later event reaches it through `deliver`.
   */
  async attach(subscriber: S): Promise<number> {
    await this.ready
    return new Promise<number>((done) => this.push({ kind: 'attach', subscriber, done }))
  }

  /** Removes a subscriber; true when none is left. */
  detach(subscriber: S): boolean {
    this.subscribers.delete(subscriber)
    return this.subscribers.size === 0
  }

  async stop(): Promise<void> {
    this.stopped = true
    clearTimeout(this.gapTimer)
    clearInterval(this.catchUpTimer)
    this.inbox.length = 0
    this.pending.clear()
    await this.ready.catch(() => {})
    await this.stopListening?.().catch(() => {})
  }

  private async start(): Promise<void> {
    const { workspace, channel, log } = this.options
    // Listen first, then read the position: an event logged in between arrives through PubSub
    // and is recognised as already counted or not by its number.
    this.stopListening = await this.options.listen((message) => this.receive(message))
    this.delivered = await log.position(workspace, channel)
    this.started = true
    if (this.inbox.length > 0) void this.run()
    const every = this.options.catchUpMs ?? 0
    if (every > 0 && !this.stopped) {
      this.catchUpTimer = setInterval(() => {
        // Only when idle: a feed busy with events learns of gaps from them.
        if (this.subscribers.size > 0 && !this.running && this.inbox.length === 0) {
          this.push({ kind: 'head' })
        }
      }, every)
      ;(this.catchUpTimer as { unref?: () => void }).unref?.()
    }
  }

  private receive(message: unknown): void {
    if (this.stopped || typeof message !== 'object' || message === null) return
    const m = message as Partial<{ events: LoggedEvent[]; from: number; to: number }>
    if (Array.isArray(m.events)) this.push({ kind: 'events', events: m.events })
    else if (typeof m.from === 'number' && typeof m.to === 'number')
      this.push({ kind: 'range', from: m.from, to: m.to })
  }

  private push(input: Input<S>): void {
    if (this.stopped) return
    this.inbox.push(input)
    if (this.started && !this.running) void this.run()
  }

  private async run(): Promise<void> {
    this.running = true
    try {
      while (this.inbox.length > 0 && !this.stopped) {
        const input = this.inbox.shift() as Input<S>
        if (input.kind === 'attach') {
          this.subscribers.add(input.subscriber)
          input.done(this.delivered)
          continue
        }
        if (input.kind === 'events') this.accept(input.events)
        else if (input.kind === 'range') await this.readRange(input.from - 1, input.to)
        else if (input.kind === 'head') await this.catchUp()
        else await this.fillGap()
        // Take every event input already waiting, so a burst becomes one batch.
        while (this.inbox[0]?.kind === 'events') {
          this.accept((this.inbox.shift() as { events: LoggedEvent[] }).events)
        }
        await this.deliverReady()
      }
    } catch (error) {
      this.options.logger.error('realtime feed failed', {
        channel: this.options.channel,
        error: error instanceof Error ? error.message : String(error),
      })
    } finally {
      this.running = false
      if (this.inbox.length > 0 && !this.stopped) void this.run()
    }
  }

  private accept(events: readonly LoggedEvent[]): void {
    for (const event of events) {
      if (typeof event?.seq !== 'number' || event.seq <= this.delivered) continue
      this.pending.set(event.seq, event)
    }
  }

  private async readRange(after: number, upTo: number): Promise<void> {
    const { workspace, channel, log } = this.options
    let from = Math.max(after, this.delivered)
    while (from < upTo) {
      const page = await log.read(workspace, channel, from, { upTo, limit: READ_PAGE })
      this.accept(page)
      const last = page.at(-1)
      if (!last) break
      from = last.seq
    }
  }

  /** Reads events up to the log's head that no announcement brought (a trailing lost one). */
  private async catchUp(): Promise<void> {
    const { workspace, channel, log } = this.options
    const head = await log.position(workspace, channel)
    if (head <= this.delivered) return
    await this.readRange(this.delivered, head)
    if (!this.pending.has(this.delivered + 1)) {
      // Pruned or purged (a dropped collection's skipped number): nothing to wait for.
      this.delivered = Math.min(head, Math.min(...this.pending.keys(), head + 1) - 1)
    }
  }

  /** An event is missing before the ones waiting: read it from the log, or skip it if gone. */
  private async fillGap(): Promise<void> {
    if (this.pending.size === 0) return
    const first = Math.min(...this.pending.keys())
    if (first <= this.delivered + 1) return
    await this.readRange(this.delivered, first - 1)
    if (!this.pending.has(this.delivered + 1)) {
      // Pruned, or never written: nothing to wait for.
      this.options.logger.warn('realtime events missing from the log were skipped', {
        channel: this.options.channel,
        from: this.delivered + 1,
        to: first - 1,
      })
      this.delivered = first - 1
    }
  }

  private async deliverReady(): Promise<void> {
    const batch: LoggedEvent[] = []
    for (let next = this.delivered + 1; this.pending.has(next); next++) {
      batch.push(this.pending.get(next) as LoggedEvent)
      this.pending.delete(next)
    }
    if (batch.length > 0) {
      this.delivered = (batch.at(-1) as LoggedEvent).seq
      if (this.subscribers.size > 0) {
        const subscribers = [...this.subscribers]
        try {
          await this.options.deliver(batch, subscribers)
        } catch (error) {
          this.options.failed(error, subscribers)
        }
      }
    }
    if (this.pending.size > 0) this.scheduleFill()
    else {
      clearTimeout(this.gapTimer)
      this.gapTimer = undefined
    }
  }

  private scheduleFill(): void {
    if (this.gapTimer !== undefined) return
    this.gapTimer = setTimeout(() => {
      this.gapTimer = undefined
      this.push({ kind: 'fill' })
    }, this.options.gapWaitMs)
  }
}
