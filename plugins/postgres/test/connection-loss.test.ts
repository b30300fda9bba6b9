// A lost PostgreSQL connection on the machine's PostgreSQL: queries fail with 503
// DATABASE_UNAVAILABLE instead of crashing the process, and the pool reconnects by itself.
import { createServer } from 'node:net'
import { isBacklexError } from '@backlex/kernel'
import { sql } from 'kysely'
import pg from 'pg'
import { afterEach, describe, expect, it } from 'vitest'
import { createPostgresDatabase, createPostgresPubSub, isConnectionLoss } from '../src/index.js'

const postgresUrl = process.env.TEST_DATABASE_URL
const opened: { close(): Promise<void> }[] = []
afterEach(async () => {
  for (const database of opened.splice(0)) await database.close()
})

let counter = 0
/** A database whose connections are named, so a test can terminate exactly them. */
function namedDatabase() {
  const name = `backlex_loss_${process.pid}_${counter++}`
  const url = new URL(postgresUrl ?? '')
  url.searchParams.set('application_name', name)
  const database = createPostgresDatabase({ connectionString: url.toString(), max: 2 })
  opened.push(database)
  return { database, name }
}

async function terminate(name: string) {
  const admin = new pg.Client({ connectionString: postgresUrl })
  await admin.connect()
  try {
    const { rows } = await admin.query(
      'select pg_terminate_backend(pid) as done from pg_stat_activity where application_name = $1',
      [name],
    )
    return rows.length
  } finally {
    await admin.end()
  }
}

/** The error a promise rejects with (fails the test when it resolves). */
async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise
  } catch (error) {
    return error
  }
  throw new Error('expected a rejection')
}

function expectUnavailable(error: unknown) {
  expect(isBacklexError(error)).toBe(true)
  expect(error).toMatchObject({ code: 'DATABASE_UNAVAILABLE', status: 503 })
  expect(isConnectionLoss((error as Error).cause)).toBe(true)
}

/** A loopback port nothing listens on. */
async function closedPort(): Promise<number> {
  const server = createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const address = server.address()
  await new Promise((resolve) => server.close(resolve))
  if (!address || typeof address === 'string') throw new Error('no port')
  return address.port
}

describe('connection-loss errors', () => {
  it('answers 503 DATABASE_UNAVAILABLE, quickly, when nothing listens', async () => {
    const port = await closedPort()
    const database = createPostgresDatabase({
      connectionString: `postgres://postgres@127.0.0.1:${port}/none`,
    })
    opened.push(database)
    const started = Date.now()
    const error = await rejection(sql`select 1`.execute(database.db))
    expectUnavailable(error)
    expect((error as Error & { cause: { code: string } }).cause.code).toBe('ECONNREFUSED')
    expect(Date.now() - started).toBeLessThan(5000)
  })

  it('answers 503 from PubSub too, instead of waiting out its 30 s for LISTEN', async () => {
    const port = await closedPort()
    const bus = createPostgresPubSub({
      connectionString: `postgres://postgres@127.0.0.1:${port}/none`,
    })
    opened.push(bus)
    const started = Date.now()
    expectUnavailable(await rejection(bus.subscribe('t', () => {})))
    expectUnavailable(await rejection(bus.publish('t', 1)))
    expect(Date.now() - started).toBeLessThan(5000)
  })

  it('tells connection losses from other errors', () => {
    const coded = (code: string) => Object.assign(new Error(code), { code })
    for (const code of ['57P01', '57P02', '57P03', '08006', '08001', 'ECONNRESET']) {
      expect(isConnectionLoss(coded(code)), code).toBe(true)
    }
    expect(isConnectionLoss(new Error('Connection terminated unexpectedly'))).toBe(true)
    expect(isConnectionLoss(new AggregateError([coded('ECONNREFUSED')]))).toBe(true)
    for (const code of ['42601', '23505', '40001', '57014']) {
      expect(isConnectionLoss(coded(code)), code).toBe(false)
    }
    expect(isConnectionLoss('Connection terminated')).toBe(false)
  })
})

describe.skipIf(!postgresUrl)('a connection terminated by the server', () => {
  it('fails the running query with 503 and the next query reconnects', async () => {
    const { database, name } = namedDatabase()
    const running = rejection(sql`select pg_sleep(10)`.execute(database.db))
    for (let i = 0; i < 100 && (await terminate(name)) === 0; i++) {
      await new Promise((r) => setTimeout(r, 20))
    }
    expectUnavailable(await running)
    const { rows } = await sql<{ one: number }>`select 1 as one`.execute(database.db)
    expect(rows).toEqual([{ one: 1 }])
  })

  it('fails a transaction whose idle checked-out connection died, without crashing', async () => {
    const { database, name } = namedDatabase()
    // Between two statements the client is checked out with no query running: pg then emits
    // 'error' on the client itself, which is uncaught (and fatal) without a listener on it.
    const error = await rejection(
      database.db.transaction().execute(async (trx) => {
        await sql`select 1`.execute(trx)
        expect(await terminate(name)).toBe(1)
        await new Promise((r) => setTimeout(r, 200))
        await sql`select 1`.execute(trx)
      }),
    )
    expectUnavailable(error)
    const { rows } = await sql<{ one: number }>`select 1 as one`.execute(database.db)
    expect(rows).toEqual([{ one: 1 }])
  })

  it('replaces idle pooled connections that were terminated', async () => {
    const { database, name } = namedDatabase()
    await Promise.all([1, 2].map(() => sql`select pg_sleep(0.05)`.execute(database.db)))
    expect(await terminate(name)).toBe(2)
    await new Promise((r) => setTimeout(r, 200))
    const { rows } = await sql<{ one: number }>`select 1 as one`.execute(database.db)
    expect(rows).toEqual([{ one: 1 }])
  })

  it('passes other errors through unchanged', async () => {
    const { database } = namedDatabase()
    const error = await rejection(sql`select * from no_such_table_here`.execute(database.db))
    expect(isBacklexError(error)).toBe(false)
    expect(error).toMatchObject({ code: '42P01' })
  })
})
