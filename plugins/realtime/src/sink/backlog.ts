// What a stream has accepted but its reader has not taken yet, with the rule every sink applies
// to slow readers: a backlog over the limit for longer than a burst makes the reader too slow.
// Both sinks (an SSE response, an in-process iterator) keep theirs here.

/** How long a backlog may stay over the limit before its reader counts as too slow. */
const OVERFLOW_CHECK_MS = 50

export interface BacklogOptions<T> {
  /** Bytes the backlog may hold (for longer than a burst). */
  maxBytes: number
  size(item: T): number
  /** The reader is too slow: the sink cuts it (and clears the backlog). */
  onSlow(): void
}

/**
 * A queue counted in bytes, plus a second list for items kept back while held (during a replay,
 * live items wait for the replayed ones), counted against the same limit.
 * @example
 * const backlog = new Backlog({ maxBytes: 1 << 20, size: (f) => f.byteLength, onSlow: cut })
 * backlog.push(frame)
 * backlog.shift() // when the reader pulls
 */
export class Backlog<T> {
  private items: T[] = []
  private bytes = 0
  private held: T[] | undefined
  private heldBytes = 0
  private check: ReturnType<typeof setTimeout> | undefined

  constructor(private readonly options: BacklogOptions<T>) {}

  get length(): number {
    return this.items.length
  }

  get holding(): boolean {
    return this.held !== undefined
  }

  /** Queues `item`; a backlog still over the limit a moment later calls `onSlow`. */
  push(item: T): void {
    this.items.push(item)
    this.bytes += this.options.size(item)
    if (this.bytes > this.options.maxBytes && this.check === undefined) {
      // A burst written in one turn may pass the limit before the reader had a turn: judge the
      // reader once it has had time to read, not mid-burst.
      this.check = setTimeout(() => {
        this.check = undefined
        if (this.bytes > this.options.maxBytes) this.options.onSlow()
      }, OVERFLOW_CHECK_MS)
    }
  }

  shift(): T | undefined {
    const item = this.items.shift()
    if (item !== undefined) this.bytes -= this.options.size(item)
    return item
  }

  /** Keeps items given to `keep` back until `release`. */
  hold(): void {
    this.held ??= []
  }

  /**
   * Keeps `item` back while held; false when not holding (queue it instead). Nobody reads held
   * items, so passing the limit calls `onSlow` at once.
   */
  keep(item: T): boolean {
    if (!this.held) return false
    this.held.push(item)
    this.heldBytes += this.options.size(item)
    if (this.heldBytes > this.options.maxBytes) this.options.onSlow()
    return true
  }

  /** Ends the hold: the kept items, in order, for the sink to queue. */
  release(): T[] {
    const held = this.held ?? []
    this.held = undefined
    this.heldBytes = 0
    return held
  }

  /** Drops every item, queued or held, and the pending check. */
  clear(): void {
    this.items = []
    this.bytes = 0
    this.release()
    this.stopCheck()
  }

  /** Drops the held items only (the stream is ending: they will never be sent). */
  dropHeld(): void {
    this.release()
  }

  stopCheck(): void {
    clearTimeout(this.check)
    this.check = undefined
  }
}
