// The feed's ordering guarantees with a log in memory: out-of-order and repeated messages, a lost
// message filled from the log, and joins that know exactly which events they have seen.
import { silentLogger } from '@backlex/test-utils'
import { describe, expect, it } from 'vitest'
import type { EventLog, LoggedEvent } from '../log/event-log.js'
import { Feed } from './feed.js'

const event = (seq: number): LoggedEvent => ({ seq, type: 'message', data: seq, at: '' })

function memoryLog(events: LoggedEvent[], position = events.length): EventLog {
  return {
    append: () => Promise.reject(new Error('not used')),
    appendIn: () => Promise.reject(new Error('not used')),
    trim: async () => {},
    purge: async () => 0,
    channels: async () => [],
    read: async (_w, _c, after, options = {}) =>
      events
        .filter((e) => e.seq > after && (options.upTo === undefined || e.seq <= options.upTo))
        .slice(0, options.limit ?? 1000),
    position: async () => (position < 0 ? (events.at(-1)?.seq ?? 0) : position),
    pruneOlderThan: async () => 0,
  }
}

function setup(log: EventLog, gapWaitMs = 10, failing = false, catchUpMs = 0) {
  const failures: string[][] = []
  let send: (message: unknown) => void = () => {}
  const delivered: number[] = []
  const bySubscriber = new Map<string, number[]>()
  const feed = new Feed<string>({
    workspace: 'main',
    channel: 'c',
    log,
    logger: silentLogger(),
    gapWaitMs,
    catchUpMs,
    listen: async (handler) => {
      send = handler
      return async () => {}
    },
    failed: (_error, subscribers) => {
      failures.push([...subscribers])
    },
    deliver: (batch, subscribers) => {
      if (failing) throw new Error('rules could not be read')
      delivered.push(...batch.map((e) => e.seq))
      for (const s of subscribers) {
        bySubscriber.set(s, [...(bySubscriber.get(s) ?? []), ...batch.map((e) => e.seq)])
      }
    },
  })
  return { feed, delivered, bySubscriber, failures, send: (m: unknown) => send(m) }
}

const until = async (check: () => boolean) => {
  for (let i = 0; i < 200 && !check(); i++) await new Promise((r) => setTimeout(r, 5))
}

describe('Feed', () => {
  it('delivers in order, drops repeats and what came before it started', async () => {
    const { feed, delivered, send } = setup(memoryLog([event(1), event(2)]))
    expect(await feed.attach('s1')).toBe(2)
    send({ events: [event(4)] })
    send({ events: [event(2), event(3)] })
    send({ events: [event(3), event(5)] })
    await until(() => delivered.length >= 3)
    expect(delivered).toEqual([3, 4, 5])
    await feed.stop()
  })

  it('fills a lost message from the log after a short wait', async () => {
    const log = memoryLog([event(1), event(2), event(3)], 0)
    const { feed, delivered, send } = setup(log)
    await feed.attach('s1')
    send({ events: [event(1)] })
    send({ events: [event(3)] }) // 2 never arrives through PubSub
    await until(() => delivered.length >= 3)
    expect(delivered).toEqual([1, 2, 3])
    await feed.stop()
  })

  it('catches up on a trailing event whose announcement was lost, by reading the log head', async () => {
    const events = [event(1)]
    // position -1: the log's head is its last event, as events are added below.
    const { feed, delivered, send } = setup(memoryLog(events, -1), 10, false, 20)
    expect(await feed.attach('s1')).toBe(1)
    events.push(event(2), event(3))
    send({ events: [event(2)] }) // 3 committed, but never announced: nothing comes after it
    await until(() => delivered.length >= 2)
    expect(delivered).toEqual([2, 3])
    await feed.stop()
  })

  it('skips numbers the log no longer has, instead of waiting forever', async () => {
    const { feed, delivered, send } = setup(memoryLog([event(3)], 0))
    await feed.attach('s1')
    send({ events: [event(3)] })
    await until(() => delivered.length >= 1)
    expect(delivered).toEqual([3])
    await feed.stop()
  })

  it('reads ranges from the log; a join between batches knows its position', async () => {
    const log = memoryLog([event(1), event(2), event(3), event(4)], 0)
    const { feed, delivered, bySubscriber, send } = setup(log)
    expect(await feed.attach('s1')).toBe(0)
    send({ from: 1, to: 3 })
    await until(() => delivered.length >= 3)
    expect(await feed.attach('s2')).toBe(3)
    send({ from: 4, to: 4 })
    await until(() => delivered.length >= 4)
    expect(delivered).toEqual([1, 2, 3, 4])
    expect(bySubscriber.get('s1')).toEqual([1, 2, 3, 4])
    expect(bySubscriber.get('s2')).toEqual([4])
    expect([...feed.subscribers]).toEqual(['s1', 's2'])
    expect(feed.detach('s1')).toBe(false)
    expect(feed.detach('s2')).toBe(true)
    await feed.stop()
  })

  it('hands the subscribers of a batch it could not deliver to `failed`, and goes on', async () => {
    const { feed, failures, send } = setup(memoryLog([], 0), 10, true)
    await feed.attach('s1')
    send({ events: [event(1)] })
    await until(() => failures.length >= 1)
    expect(failures).toEqual([['s1']])
    send({ events: [event(2)] })
    await until(() => failures.length >= 2)
    await feed.stop()
  })
})
