// A real server (the example app, `backlex start`, NODE_ENV=production) on a PostgreSQL of the
// test's own survives losing its database: backends terminated under load, then the server
// stopped and started. Failed requests answer 503 DATABASE_UNAVAILABLE, nothing else; reads,
// writes and realtime (whose PubSub is a LISTEN connection) work again without a restart.
import { execFile } from 'node:child_process'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import {
  type EventRecorder,
  recordEvents,
  type SentEvent,
  type StartedApp,
  startApp,
  stopApp,
} from '@backlex/test-utils'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  type PrivatePostgres,
  postgresServerAvailable,
  startPrivatePostgres,
} from '../src/private-postgres.js'

const packageDir = fileURLToPath(new URL('..', import.meta.url))
const backlex = join(packageDir, 'node_modules', '.bin', 'backlex')
const config = join(packageDir, 'backlex.config.ts')
const DATABASE = 'backlex_app'
const WORKERS = 10

const available = postgresServerAvailable()
if (!available) {
  console.warn('initdb/pg_ctl are not on PATH: the PostgreSQL connection-loss tests are skipped')
}

/** What one HTTP request came to: a status and error code, or a dropped connection. */
interface Outcome {
  request: string
  status?: number
  code?: string
  dropped?: string
  ms: number
  /** The `data` of a successful answer. */
  data?: unknown
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

describe.skipIf(!available)('a lost PostgreSQL connection', () => {
  const cleanups: (() => Promise<unknown>)[] = []
  const serverLog: string[] = []
  let database: PrivatePostgres
  let server: StartedApp
  let base = ''
  let key = ''
  let session = ''
  let written = 0

  async function call(method: 'GET' | 'POST', path: string, body?: unknown): Promise<Outcome> {
    const started = Date.now()
    const request = `${method} ${path}`
    try {
      const response = await fetch(`${base}${path}`, {
        method,
        headers: {
          ...(key ? { authorization: `Bearer ${key}` } : {}),
          ...(body === undefined ? {} : { 'content-type': 'application/json', origin: base }),
        },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        signal: AbortSignal.timeout(15_000),
      })
      const text = await response.text()
      const json = text ? JSON.parse(text) : undefined
      return {
        request,
        status: response.status,
        code: json?.errors?.[0]?.extensions?.code,
        ms: Date.now() - started,
        ...(response.ok ? { data: json?.data } : {}),
      }
    } catch (error) {
      const cause = (error as { cause?: { code?: string } }).cause?.code
      return { request, dropped: `${String(error)} ${cause ?? ''}`, ms: Date.now() - started }
    }
  }

  const write = () => call('POST', '/api/items/notes', { title: `note ${++written}` })
  const read = () => call('GET', '/api/items/notes?sort=-id&limit=5')

  /** The server process is still running: it neither crashed nor exited. */
  function expectAlive() {
    expect(
      { exitCode: server.child.exitCode, signal: server.child.signalCode },
      serverLog.slice(-40).join('\n'),
    ).toEqual({ exitCode: null, signal: null })
  }

  /** Every outcome is a success or 503 DATABASE_UNAVAILABLE: no 500, no dropped connection. */
  function expectOnlyUnavailable(outcomes: Outcome[]) {
    const unexpected = outcomes.filter(
      (o) =>
        o.dropped !== undefined ||
        !(o.status === 200 || o.status === 201 || o.status === 503) ||
        (o.status === 503 && o.code !== 'DATABASE_UNAVAILABLE'),
    )
    expect(unexpected, serverLog.slice(-40).join('\n')).toEqual([])
  }

  /** Waits (bounded) until a read succeeds again. */
  async function recovered(timeoutMs: number) {
    const deadline = Date.now() + timeoutMs
    for (let i = 0; i < 400 && Date.now() < deadline; i++) {
      if ((await read()).status === 200) return
      await sleep(50)
    }
    throw new Error(`the server did not recover within ${timeoutMs} ms`)
  }

  /** A write answers 201, and the row reads back. */
  async function expectWritesAndReads() {
    const created = await write()
    expect(created.status, created.code ?? created.dropped).toBe(201)
    const id = (created.data as { id: number }).id
    const back = await call('GET', `/api/items/notes/${id}`)
    expect(back.status).toBe(200)
    expect(back.data).toEqual(created.data)
  }

  /** Opens a realtime subscriber on the notes (as the admin key) and waits for its `ready`. */
  async function subscribe(): Promise<EventRecorder> {
    const response = await fetch(`${base}/api/realtime/items:notes/subscribe`, {
      headers: { authorization: `Bearer ${key}` },
      signal: AbortSignal.timeout(60_000),
    })
    expect(response.status).toBe(200)
    if (!response.body) throw new Error('no stream body')
    const stream = recordEvents(response.body)
    cleanups.push(() => stream.close())
    await stream.waitFor((e) => e.event === 'ready', 15_000)
    return stream
  }

  /** How a subscribe request answers: its status (a 200 stream is closed at once), and how fast. */
  async function probeSubscribe(collection: string) {
    const started = Date.now()
    const response = await fetch(`${base}/api/realtime/items:${collection}/subscribe`, {
      headers: { authorization: `Bearer ${key}` },
      signal: AbortSignal.timeout(15_000),
    })
    const ms = Date.now() - started
    if (response.status === 200) {
      await response.body?.cancel()
      return { status: 200, ms }
    }
    const body = (await response.json()) as { errors: { extensions: { code: string } }[] }
    return { status: response.status, code: body.errors[0]?.extensions.code, ms }
  }

  /**
   * Each stream gets the create event of a write made now. A write made before the LISTEN
   * connection is back is not notified live, so it writes again, a bounded number of times.
   */
  async function expectRealtimeDelivery(streams: EventRecorder[]) {
    const ids = new Set<number>()
    const isNew = (e: SentEvent) => e.event === 'create' && ids.has(JSON.parse(e.data).key)
    for (let attempt = 0; attempt < 10; attempt++) {
      const created = await write()
      expect(created.status, created.code ?? created.dropped).toBe(201)
      ids.add((created.data as { id: number }).id)
      const delivered = await Promise.all(
        streams.map((stream) =>
          stream.waitFor(isNew, 2000).then(
            () => true,
            () => false,
          ),
        ),
      )
      if (delivered.every(Boolean)) return
    }
    throw new Error('a write made after recovery did not reach every subscriber in 10 attempts')
  }

  /** Reads and writes from WORKERS concurrent clients for `durationMs`, while `disrupt` runs. */
  async function underLoad(durationMs: number, disrupt: () => Promise<void>) {
    const outcomes: Outcome[] = []
    const end = Date.now() + durationMs
    const worker = async (n: number) => {
      for (let i = 0; i < 1000 && Date.now() < end; i++) {
        outcomes.push(await ((n + i) % 2 === 0 ? write() : read()))
      }
    }
    await Promise.all([...Array.from({ length: WORKERS }, (_, n) => worker(n)), disrupt()])
    return outcomes
  }

  const terminateBackends = async () => {
    const [row] = await database.query<{ terminated: number }>(
      `select count(pg_terminate_backend(pid))::int as terminated from pg_stat_activity
        where datname = $1 and pid <> pg_backend_pid()`,
      [DATABASE],
    )
    return row?.terminated ?? 0
  }

  beforeAll(async () => {
    database = await startPrivatePostgres(DATABASE)
    cleanups.push(() => database.destroy())
    const cwd = await mkdtemp(join(tmpdir(), 'backlex-resilience-'))
    cleanups.push(() => rm(cwd, { recursive: true, force: true }))
    const { PORT: _p, HOST: _h, DATABASE_URL: _d, AUTH_SECRET: _s, ...rest } = process.env
    const env = {
      ...rest,
      NODE_ENV: 'production',
      AUTH_SECRET: 'resilience-test-secret-0123456789abcdef',
      DATABASE_URL: database.url,
    }
    await promisify(execFile)(backlex, ['migrate', '--config', config], { cwd, env })

    server = startApp(backlex, config, cwd, env)
    const child = server.child
    for (const stream of [child.stdout, child.stderr]) {
      stream?.on('data', (chunk: Buffer) => serverLog.push(...chunk.toString().split('\n')))
    }
    cleanups.push(() => stopApp(child))
    base = await server.url

    // Node's fetch sends `Sec-Fetch-Mode: cors`, so better-auth wants the Origin a browser sends.
    const signedUp = await fetch(`${base}/api/auth/sign-up/email`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: base },
      body: JSON.stringify({ email: 'ops@example.com', password: 'correct horse', name: 'Ops' }),
    })
    expect(signedUp.status).toBe(200)
    const { token: bearer } = (await signedUp.json()) as { token: string }
    session = bearer
    const created = await fetch(`${base}/api/api-keys`, {
      method: 'POST',
      headers: { authorization: `Bearer ${bearer}`, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'resilience' }),
    })
    expect(created.status).toBe(201)
    key = ((await created.json()) as { data: { secret: string } }).data.secret

    for (const slug of ['notes', 'drafts']) {
      const collection = await call('POST', '/api/collections', {
        slug,
        fields: [{ name: 'title', type: 'string', length: 120, required: true }],
      })
      expect(collection.status, collection.code).toBe(201)
    }
    await expectWritesAndReads()
  })

  afterAll(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup().catch(() => {})
  })

  it('survives every backend being terminated under load, then recovers by itself', async () => {
    // Open across the disruption: its LISTEN-fed stream must come back by itself.
    const survivor = await subscribe()
    const terminated: number[] = []
    const outcomes = await underLoad(2000, async () => {
      await sleep(400)
      terminated.push(await terminateBackends())
      await sleep(600)
      terminated.push(await terminateBackends())
    })

    expectAlive()
    // The pool's connections and the LISTEN connection were all there to be terminated.
    expect(terminated[0]).toBeGreaterThan(1)
    expect(outcomes.length).toBeGreaterThan(WORKERS * 4)
    expectOnlyUnavailable(outcomes)

    await recovered(10_000)
    await expectWritesAndReads()
    await expectRealtimeDelivery([survivor, await subscribe()])
    await survivor.close()
    expectAlive()
  })

  it('answers 503 at once while the database is stopped, and recovers when it is back', async () => {
    const survivor = await subscribe()
    await database.stop()
    try {
      const outcomes = await Promise.all(
        Array.from({ length: WORKERS }, (_, n) => (n % 2 === 0 ? write() : read())),
      )
      expectAlive()
      expectOnlyUnavailable(outcomes)
      for (const outcome of outcomes) {
        expect(outcome).toMatchObject({ status: 503, code: 'DATABASE_UNAVAILABLE' })
        expect(outcome.ms, outcome.request).toBeLessThan(5000)
      }
      // A new realtime subscriber answers too, rather than hanging: on a channel nobody watches
      // it waits for the LISTEN connection, and gets 503 once a reconnect attempt fails; on the
      // survivor's channel it may join the open feed (a stream that resumes later) or get 503.
      // A signed-in user's session cannot be looked up either: the same 503, not a 500.
      const signedIn = await fetch(`${base}/api/items/notes`, {
        headers: { authorization: `Bearer ${session}` },
      })
      expect(signedIn.status).toBe(503)
      expect(
        ((await signedIn.json()) as { errors: { extensions: { code: string } }[] }).errors[0]
          ?.extensions.code,
      ).toBe('DATABASE_UNAVAILABLE')
      const fresh = await probeSubscribe('drafts')
      expect(fresh).toMatchObject({ status: 503, code: 'DATABASE_UNAVAILABLE' })
      expect(fresh.ms).toBeLessThan(8000)
      const joining = await probeSubscribe('notes')
      expect([200, 503]).toContain(joining.status)
      if (joining.status === 503) expect(joining.code).toBe('DATABASE_UNAVAILABLE')
      expect(joining.ms).toBeLessThan(8000)
      // A little longer down, so the LISTEN connection's reconnect attempts fail a few times.
      await sleep(1500)
      expectAlive()
    } finally {
      await database.start()
    }

    await recovered(15_000)
    await expectWritesAndReads()
    await expectRealtimeDelivery([survivor, await subscribe()])
    expectAlive()
  })
})
