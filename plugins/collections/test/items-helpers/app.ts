// Test harness for the items API: a real kernel on a real database (SQLite file or PostgreSQL
// schema) with permissions and collections, a principal resolver reading a test header, a query
// counter on the Database (a Kysely plugin), and a fixed clock.

import { activity } from '@backlex/activity'
import {
  type Backlex,
  createBacklex,
  defineConfig,
  type Plugin,
  type Principal,
} from '@backlex/kernel'
import { type PermissionInput, Permissions, permissions } from '@backlex/permissions'
import {
  countingDatabase,
  type DialectUnderTest,
  PRINCIPAL_HEADER,
  type QueryCounter,
  silentLogger,
  type TestDatabase,
  testPrincipals,
} from '@backlex/test-utils'
import {
  Collections,
  type CollectionsOptions,
  type CollectionsService,
  collections,
} from '../../src/index.js'
import type { CollectionInput } from '../../src/schema/definition.js'

export { PRINCIPAL_HEADER }

export const ADMIN: Partial<Principal> = { id: 'admin-1', roles: ['admin'], admin: true }
export const EDITOR: Partial<Principal> = { id: 'u-editor', roles: ['editor'] }
export const READER: Partial<Principal> = { id: 'u-reader', roles: ['reader'] }

export interface Response<T = unknown> {
  status: number
  body: T
}

export interface ItemsApp {
  app: Backlex
  dialect: 'sqlite' | 'postgres'
  queries: QueryCounter
  /** What the kernel logged (errors of 500s included). */
  logs: ReturnType<typeof silentLogger>['lines']
  clock: { now(): Date; set(date: Date): void }
  request<T = unknown>(
    method: string,
    path: string,
    options?: {
      as?: Partial<Principal>
      body?: unknown
      raw?: string
      headers?: Record<string, string>
    },
  ): Promise<Response<T>>
  /** Creates a collection as the system. */
  collection(input: CollectionInput): Promise<void>
  /** The kernel's Collections service. */
  collections(): CollectionsService
  /** Stores a permission rule. */
  permit(rule: PermissionInput): Promise<void>
  /** Runs raw SQL and returns its rows. */
  sql<R = Record<string, unknown>>(text: string): Promise<R[]>
  close(): Promise<void>
}

/** Boots a kernel with permissions and collections on a fresh database of `dialect`. */
export async function startItemsApp(
  dialect: DialectUnderTest,
  options: { collections?: CollectionsOptions; extra?: Plugin[]; plugin?: Plugin } = {},
): Promise<ItemsApp> {
  const database: TestDatabase = await dialect.create()
  const { plugin: databasePlugin, queries, adapter } = countingDatabase(database)
  let now = new Date('2024-06-15T12:00:00.000Z')
  const clock = {
    now: () => now,
    set(date: Date) {
      now = date
    },
  }
  const logger = silentLogger()
  const app = createBacklex(
    defineConfig({
      plugins: [
        databasePlugin,
        testPrincipals(),
        permissions(),
        // The activity log, so item writes record `item.*` entries and revisions show them.
        activity(),
        options.plugin ?? collections(options.collections),
        ...(options.extra ?? []),
      ],
      dev: true,
      logger,
      clock,
    }),
  )
  await app.boot()
  return {
    app,
    dialect: dialect.dialect,
    queries,
    logs: logger.lines,
    clock,
    async request(method, path, opts = {}) {
      const headers: Record<string, string> = { ...opts.headers }
      if (opts.as) headers[PRINCIPAL_HEADER] = JSON.stringify(opts.as)
      let body: string | undefined
      if (opts.raw !== undefined) body = opts.raw
      else if (opts.body !== undefined) body = JSON.stringify(opts.body)
      if (body !== undefined) headers['content-type'] ??= 'application/json'
      const res = await app.fetch(
        new Request(`http://test${path}`, {
          method,
          headers,
          ...(body !== undefined ? { body } : {}),
        }),
      )
      const text = await res.text()
      return { status: res.status, body: text === '' ? null : JSON.parse(text) } as never
    },
    async collection(input) {
      await app.get(Collections).create('main', input)
    },
    collections: () => app.get(Collections),
    async permit(rule) {
      await app.get(Permissions).create('main', rule)
    },
    async sql(text) {
      const { sql } = await import('kysely')
      const result = await sql.raw(text).execute(adapter.db)
      return result.rows as never
    },
    async close() {
      await app.shutdown()
      await database.cleanup()
    },
  }
}

/** The error code of an error response body. */
export const codeOf = (body: unknown) =>
  (body as { errors?: { extensions?: { code?: string } }[] } | null)?.errors?.[0]?.extensions?.code

/** `?a=1&b=2` from an object (values JSON-encoded when they are not strings). */
export function qs(params: Record<string, unknown>): string {
  const search = new URLSearchParams()
  for (const [key, value] of Object.entries(params)) {
    search.append(key, typeof value === 'string' ? value : JSON.stringify(value))
  }
  const text = search.toString()
  return text === '' ? '' : `?${text}`
}
