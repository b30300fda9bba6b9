// The event log on both dialects: numbers per channel with no gaps and no repeats, also when two
// instances append to one channel at once; trimming by count; pruning by age.
import { createBacklex, Database, defineConfig, systemClock } from '@backlex/kernel'
import { dialects, silentLogger, type TestDatabase } from '@backlex/test-utils'
import { afterEach, describe, expect, it } from 'vitest'
import { realtime } from '../src/index.js'
import { createEventLog } from '../src/log/event-log.js'

describe.each(dialects)('event log on $dialect', (dialect) => {
  let database: TestDatabase | undefined
  let shutdown: (() => Promise<void>) | undefined
  afterEach(async () => {
    await shutdown?.()
    await database?.cleanup()
  })

  async function boot() {
    database = await dialect.create()
    const app = createBacklex(
      defineConfig({ plugins: [database.plugin(), realtime()], dev: true, logger: silentLogger() }),
    )
    await app.boot()
    shutdown = () => app.shutdown()
    return app.get(Database)
  }

  it.skipIf(!dialect.available)(
    'two instances appending at once get distinct numbers without gaps',
    async () => {
      const db = await boot()
      // Two logs: two instances, each serialising only its own appends.
      const one = createEventLog(db, systemClock, { maxEventsPerChannel: 10_000 })
      const two = createEventLog(db, systemClock, { maxEventsPerChannel: 10_000 })
      const appends = Array.from({ length: 40 }, (_, i) =>
        (i % 2 ? one : two).append('main', 'c', [
          { type: 'message', data: { i, part: 0 } },
          { type: 'message', data: { i, part: 1 } },
        ]),
      )
      const results = await Promise.all(appends)
      const numbers = results.flat().map((e) => e.seq)
      expect([...numbers].sort((a, b) => a - b)).toEqual(
        Array.from({ length: 80 }, (_, i) => i + 1),
      )
      // Each append's events are consecutive.
      for (const [a, b] of results) expect((b?.seq ?? 0) - (a?.seq ?? 0)).toBe(1)
      expect(await one.position('main', 'c')).toBe(80)
      const read = await two.read('main', 'c', 70)
      expect(read.map((e) => e.seq)).toEqual([71, 72, 73, 74, 75, 76, 77, 78, 79, 80])
      // Other channels and workspaces count on their own.
      expect((await one.append('main', 'other', [{ type: 't', data: 1 }]))[0]?.seq).toBe(1)
      expect((await one.append('ws2', 'c', [{ type: 't', data: 1 }]))[0]?.seq).toBe(1)
    },
  )

  it.skipIf(!dialect.available)('keeps the last events per channel and prunes by age', async () => {
    const db = await boot()
    let now = Date.parse('2026-03-01T00:00:00Z')
    const log = createEventLog(db, { now: () => new Date(now) }, { maxEventsPerChannel: 30 })
    for (let i = 0; i < 12; i++) {
      await log.append(
        'main',
        'busy',
        Array.from({ length: 10 }, () => ({ type: 't', data: i })),
      )
    }
    // Trimmed when crossing 100: everything up to 100 - 30 is gone.
    const kept = await log.read('main', 'busy', 0, { limit: 500 })
    expect(kept[0]?.seq).toBe(71)
    expect(kept.at(-1)?.seq).toBe(120)
    now += 60_000
    await log.append('main', 'fresh', [{ type: 't', data: 'new' }])
    expect(await log.pruneOlderThan(new Date(now - 1000))).toBe(50)
    expect(await log.read('main', 'busy', 0)).toEqual([])
    expect((await log.read('main', 'fresh', 0)).map((e) => e.data)).toEqual(['new'])
    // The counter survives: numbering continues after pruning.
    expect((await log.append('main', 'busy', [{ type: 't', data: 'x' }]))[0]?.seq).toBe(121)
  })
})
