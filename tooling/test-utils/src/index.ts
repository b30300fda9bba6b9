// Runs a suite once per SQL dialect: a fresh SQLite file, and a fresh schema on the
// PostgreSQL named by TEST_DATABASE_URL (skipped, loudly, when it is not set).
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Plugin, SqlDialect } from '@backlex/kernel'
import { postgres } from '@backlex/postgres'
import { sqlite } from '@backlex/sqlite'
import pg from 'pg'

export const postgresUrl = process.env.TEST_DATABASE_URL

export interface TestDatabase {
  dialect: SqlDialect
  /** The Database plugin to put in a config. */
  plugin(): Plugin
  /** SQLite: the file; PostgreSQL: the connection string. */
  location: string
  /** PostgreSQL: the schema this database lives in. */
  schema?: string
  cleanup(): Promise<void>
}

export interface DialectUnderTest {
  dialect: SqlDialect
  /** False when this dialect cannot run here (PostgreSQL without TEST_DATABASE_URL). */
  available: boolean
  create(): Promise<TestDatabase>
}

let counter = 0
const uniqueName = (prefix: string) =>
  `${prefix}_${process.pid}_${Date.now().toString(36)}_${(counter++).toString(36)}`

async function createSqlite(): Promise<TestDatabase> {
  const dir = await mkdtemp(join(tmpdir(), 'backlex-test-'))
  const filename = join(dir, 'test.sqlite')
  return {
    dialect: 'sqlite',
    location: filename,
    plugin: () => sqlite({ filename }),
    cleanup: () => rm(dir, { recursive: true, force: true }),
  }
}

async function adminQuery(text: string): Promise<void> {
  const client = new pg.Client({ connectionString: postgresUrl })
  await client.connect()
  try {
    await client.query(text)
  } finally {
    await client.end()
  }
}

async function createPostgres(): Promise<TestDatabase> {
  if (!postgresUrl) throw new Error('TEST_DATABASE_URL is not set')
  const schema = uniqueName('t')
  await adminQuery(`create schema "${schema}"`)
  return {
    dialect: 'postgres',
    location: postgresUrl,
    schema,
    plugin: () => postgres({ connectionString: postgresUrl, searchPath: schema, max: 4 }),
    cleanup: () => adminQuery(`drop schema if exists "${schema}" cascade`),
  }
}

/** Both dialects; use with `describe.each(dialects)` and skip the unavailable ones. */
export const dialects: DialectUnderTest[] = [
  { dialect: 'sqlite', available: true, create: createSqlite },
  { dialect: 'postgres', available: Boolean(postgresUrl), create: createPostgres },
]

if (!postgresUrl && process.env.CI) {
  console.warn('TEST_DATABASE_URL is not set: PostgreSQL tests are skipped')
}

/** A NOTIFY channel name no other test uses. */
export const uniqueChannel = () => uniqueName('ch').toLowerCase()

export { type AppTarget, appTargets, type StartedApp, startApp, stopApp } from './cli-app.js'
export {
  type CountingDatabase,
  countingDatabase,
  type QueryCounter,
} from './counting-database.js'
export { silentLogger } from './silent-logger.js'
export { type ReceivedMail, startSmtpServer, type TestSmtpServer } from './smtp-server.js'
export { type EventRecorder, recordEvents, type SentEvent } from './sse.js'
export { PRINCIPAL_HEADER, testPrincipals, WORKSPACE_HEADER } from './test-principals.js'
