// Test harness: a real kernel on a real database with permissions and the activity log, a
// principal resolver reading a test header, and raw SQL access.
import {
  type Backlex,
  createBacklex,
  Database,
  defineConfig,
  type Principal,
} from '@backlex/kernel'
import { permissions } from '@backlex/permissions'
import {
  type DialectUnderTest,
  PRINCIPAL_HEADER,
  silentLogger,
  type TestDatabase,
  testPrincipals,
  WORKSPACE_HEADER,
} from '@backlex/test-utils'
import { type Kysely, sql } from 'kysely'
import { activity } from '../src/index.js'

export const ADMIN: Partial<Principal> = { id: 'admin-1', roles: ['admin'], admin: true }

export interface ActivityApp {
  app: Backlex
  // biome-ignore lint/suspicious/noExplicitAny: raw SQL in tests
  db: Kysely<any>
  request<T = unknown>(
    method: string,
    path: string,
    options?: { as?: Partial<Principal>; workspace?: string },
  ): Promise<{ status: number; body: T }>
  sql<R = Record<string, unknown>>(text: string): Promise<R[]>
  close(): Promise<void>
}

/** Boots a kernel with permissions and activity() on a fresh database of `dialect`. */
export async function startActivityApp(dialect: DialectUnderTest): Promise<ActivityApp> {
  const database: TestDatabase = await dialect.create()
  const app = createBacklex(
    defineConfig({
      plugins: [database.plugin(), testPrincipals(), permissions(), activity()],
      dev: true,
      logger: silentLogger(),
    }),
  )
  await app.boot()
  const db = app.get(Database).db
  return {
    app,
    db,
    async request<T>(
      method: string,
      path: string,
      options: { as?: Partial<Principal>; workspace?: string } = {},
    ) {
      const headers: Record<string, string> = {}
      if (options.as) headers[PRINCIPAL_HEADER] = JSON.stringify(options.as)
      if (options.workspace) headers[WORKSPACE_HEADER] = options.workspace
      const res = await app.fetch(new Request(`http://test${path}`, { method, headers }))
      const text = await res.text()
      return { status: res.status, body: (text === '' ? null : JSON.parse(text)) as T }
    },
    async sql<R>(text: string) {
      return (await sql.raw(text).execute(db)).rows as R[]
    },
    async close() {
      await app.shutdown()
      await database.cleanup()
    },
  }
}

/** The error code of an error response body. */
export const codeOf = (body: unknown) =>
  (body as { errors?: { extensions?: { code?: string } }[] }).errors?.[0]?.extensions?.code
