// The preset in workerd: a bundled Worker on Miniflare with an in-memory D1 database.
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startWorker, type WorkerUnderTest } from '../src/testing/index.js'

const entry = join(import.meta.dirname, 'fixtures/worker.ts')

describe('createWorker in workerd', () => {
  let worker: WorkerUnderTest

  beforeAll(async () => {
    worker = await startWorker({ entry, bindings: { GREETING: 'Howdy' } })
  })
  afterAll(() => worker?.dispose())

  it('answers /health', async () => {
    const res = await worker.fetch('/health')
    expect(res.status).toBe(200)
    expect(await res.json()).toEqual({ status: 'ok' })
  })

  it('applies plugin migrations to D1 at boot', async () => {
    await worker.fetch('/health')
    const d1 = await worker.d1()
    const { results } = await d1
      .prepare("select name from sqlite_master where type = 'table' order by name")
      .all<{ name: string }>()
    const tables = results.map((r) => r.name)
    expect(tables).toContain('probe_notes')
    expect(tables).toContain('backlex_test_probe_migrations')
    const applied = await d1.prepare('select name from backlex_test_probe_migrations').all()
    expect(applied.results).toEqual([{ name: '0001_notes' }])
  })

  it('builds the config from env, for the cloudflare runtime, once per isolate', async () => {
    await Promise.all(Array.from({ length: 5 }, () => worker.fetch('/health')))
    const res = await worker.fetch('/api/probe/info')
    expect(res.status).toBe(200)
    const info = (await res.json()) as {
      boots: number
      greeting: string
      runtime: { name: string; capabilities: string[] }
      migrateOnBoot: boolean
      driver: string
    }
    expect(info.boots).toBe(1)
    expect(info.greeting).toBe('Howdy')
    expect(info.runtime.name).toBe('cloudflare')
    expect(info.runtime.capabilities).not.toContain('filesystem')
    expect(info.runtime.capabilities).not.toContain('process')
    expect(info.migrateOnBoot).toBe(true)
    expect(info.driver).toBe('d1')
  })

  it('writes through D1 with booleans as 1 and dates as ISO strings, then runs action hooks', async () => {
    const res = await worker.fetch('/api/probe/notes', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ note: 'first' }),
    })
    expect(res.status).toBe(201)
    const created = (await res.json()) as { id: number; flag: number; at: string }
    expect(created).toMatchObject({ note: 'first', flag: 1 })
    expect(new Date(created.at).toISOString()).toBe(created.at)

    const d1 = await worker.d1()
    // The action hook marks the note after the response went out (kept alive by waitUntil).
    await expect
      .poll(async () => {
        const row = await d1
          .prepare('select seen from probe_notes where id = ?')
          .bind(created.id)
          .all()
        return row.results[0]
      })
      .toEqual({ seen: 1 })
  })

  it('rejects a bad body with 400 VALIDATION_FAILED and writes nothing', async () => {
    const d1 = await worker.d1()
    const count = async () =>
      (await d1.prepare('select count(*) as n from probe_notes').all<{ n: number }>()).results[0]?.n
    const before = await count()
    const res = await worker.fetch('/api/probe/notes', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ note: '' }),
    })
    expect(res.status).toBe(400)
    const body = (await res.json()) as { errors: { extensions: { code: string } }[] }
    expect(body.errors[0]?.extensions.code).toBe('VALIDATION_FAILED')
    expect(await count()).toBe(before)
  })

  it('answers an unknown route with 404 ROUTE_NOT_FOUND in the error envelope', async () => {
    const res = await worker.fetch('/api/nothing-here')
    expect(res.status).toBe(404)
    expect(await res.json()).toEqual({
      errors: [
        {
          message: 'No route for GET /api/nothing-here.',
          extensions: { code: 'ROUTE_NOT_FOUND' },
        },
      ],
    })
  })
})

describe('createWorker without a D1 binding', () => {
  let worker: WorkerUnderTest

  beforeAll(async () => {
    worker = await startWorker({ entry, d1Databases: [] })
  })
  afterAll(() => worker?.dispose())

  it('answers 503 NOT_BOOTED when a plugin needs a Database and none is bound', async () => {
    const res = await worker.fetch('/health')
    expect(res.status).toBe(503)
    const body = (await res.json()) as { errors: { extensions: { code: string } }[] }
    expect(body.errors[0]?.extensions.code).toBe('NOT_BOOTED')
  })
})

describe('createWorker after a failed boot', () => {
  let worker: WorkerUnderTest

  beforeAll(async () => {
    worker = await startWorker({ entry: join(import.meta.dirname, 'fixtures/flaky-worker.ts') })
  })
  afterAll(() => worker?.dispose())

  it('answers 503 once, then builds the app afresh on the next request', async () => {
    expect((await worker.fetch('/health')).status).toBe(503)
    const res = await worker.fetch('/api/attempts')
    expect(res.status).toBe(200)
    expect(await res.json()).toEqual({ attempts: 2 })
  })
})
