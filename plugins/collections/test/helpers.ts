// Test harness: a real kernel on a real database with permissions + collections, a principal
// resolver reading a test header (the extension point auth uses), and raw SQL access.

import { activity } from '@backlex/activity'
import {
  type Backlex,
  createBacklex,
  Database,
  type DatabaseAdapter,
  defineConfig,
  definePlugin,
  type Plugin,
  type Principal,
  PubSub,
  type PubSubAdapter,
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
import { sql } from 'kysely'
import {
  Collections,
  type CollectionsOptions,
  type CollectionsService,
  collections,
} from '../src/index.js'

export { PRINCIPAL_HEADER, testPrincipals, WORKSPACE_HEADER }

/** Provides a PubSub shared by several kernels: two "instances" of one deployment. */
export const sharedPubSub = (bus: PubSubAdapter) =>
  definePlugin({
    name: '@backlex/test-pubsub',
    version: '0.0.0',
    provides: [PubSub],
    register(ctx) {
      ctx.provide(PubSub, () => bus)
    },
  })()

export const ADMIN: Partial<Principal> = { id: 'admin-1', roles: ['admin'], admin: true }
export const EDITOR: Partial<Principal> = { id: 'u-editor', roles: ['editor'] }

export interface TestApp {
  app: Backlex
  database: TestDatabase
  /** The Collections service of this kernel. */
  collections: CollectionsService
  /** The kernel's Database adapter, for raw SQL in tests. */
  db: DatabaseAdapter
  /** A JSON request as some principal (undefined: anonymous). */
  request(
    method: string,
    path: string,
    options?: { as?: Partial<Principal>; body?: unknown; workspace?: string },
  ): Promise<{ status: number; body: unknown }>
  /** Runs raw SQL (one statement) and returns its rows. */
  query<R = Record<string, unknown>>(text: string): Promise<R[]>
  close(): Promise<void>
}

/** Boots a kernel with permissions and collections on a fresh (or the given) database. */
export async function startApp(
  dialect: DialectUnderTest,
  options: { extra?: Plugin[]; shared?: TestDatabase; collections?: CollectionsOptions } = {},
): Promise<TestApp> {
  const database = options.shared ?? (await dialect.create())
  const app = createBacklex(
    defineConfig({
      plugins: [
        database.plugin(),
        testPrincipals(),
        permissions(),
        // The activity log, so item writes record `item.*` entries and revisions show them.
        activity(),
        collections(options.collections),
        ...(options.extra ?? []),
      ],
      dev: true,
      logger: silentLogger(),
    }),
  )
  await app.boot()
  const db = app.get(Database)
  return {
    app,
    database,
    db,
    collections: app.get(Collections),
    async request(method, path, options = {}) {
      const headers: Record<string, string> = {}
      if (options.as) headers[PRINCIPAL_HEADER] = JSON.stringify(options.as)
      if (options.workspace) headers[WORKSPACE_HEADER] = options.workspace
      if (options.body !== undefined) headers['content-type'] = 'application/json'
      const res = await app.fetch(
        new Request(`http://test${path}`, {
          method,
          headers,
          ...(options.body !== undefined ? { body: JSON.stringify(options.body) } : {}),
        }),
      )
      const text = await res.text()
      return { status: res.status, body: text === '' ? null : (JSON.parse(text) as unknown) }
    },
    async query<R>(text: string) {
      const result = await sql.raw(text).execute(db.db)
      return result.rows as R[]
    },
    async close() {
      await app.shutdown()
      if (!options.shared) await database.cleanup()
    },
  }
}

/** The error code of an error response body. */
export const codeOf = (body: unknown) =>
  (body as { errors?: { extensions?: { code?: string } }[] }).errors?.[0]?.extensions?.code

/** `data` of a success body. */
export const dataOf = <T = Record<string, unknown>>(body: unknown) => (body as { data: T }).data
