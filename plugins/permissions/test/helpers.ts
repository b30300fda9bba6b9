// Test harness: a real kernel on a real database with the permissions plugin, a principal
// resolver reading a test header (the same extension point auth uses) and a fixed clock.
import {
  type Backlex,
  createBacklex,
  defineConfig,
  definePlugin,
  type Plugin,
  type Principal,
  PubSub,
  type PubSubAdapter,
} from '@backlex/kernel'
import {
  type DialectUnderTest,
  PRINCIPAL_HEADER,
  silentLogger,
  type TestDatabase,
  testPrincipals,
  WORKSPACE_HEADER,
} from '@backlex/test-utils'
import { type CollectionFilterSchema, CollectionSchemas, permissions } from '../src/index.js'

export { PRINCIPAL_HEADER, testPrincipals, WORKSPACE_HEADER }

/** Contributes collection schemas, as the collections plugin will. */
export const testSchemas = (schemas: Record<string, CollectionFilterSchema>) =>
  definePlugin({
    name: '@backlex/test-schemas',
    version: '0.0.0',
    register(ctx) {
      ctx.contribute(CollectionSchemas, (_workspace, collection) =>
        Object.hasOwn(schemas, collection) ? schemas[collection] : undefined,
      )
    },
  })()

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

export interface TestApp {
  app: Backlex
  logger: ReturnType<typeof silentLogger>
  clock: { now(): Date; set(date: Date): void }
  /** A JSON request as some principal (undefined: anonymous). */
  request(
    method: string,
    path: string,
    options?: { as?: Partial<Principal>; body?: unknown; workspace?: string },
  ): Promise<{ status: number; body: unknown }>
  close(): Promise<void>
}

export const ADMIN: Partial<Principal> = { id: 'admin-1', roles: ['admin'], admin: true }
export const EDITOR: Partial<Principal> = { id: 'u-editor', roles: ['editor'] }

/** Boots a kernel with the permissions plugin on a fresh database of `dialect`. */
export async function startApp(
  dialect: DialectUnderTest,
  extra: Plugin[] = [],
  shared?: TestDatabase,
): Promise<TestApp> {
  const database = shared ?? (await dialect.create())
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
      plugins: [database.plugin(), testPrincipals(), permissions(), ...extra],
      dev: true,
      logger,
      clock,
    }),
  )
  await app.boot()
  return {
    app,
    logger,
    clock,
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
    async close() {
      await app.shutdown()
      if (!shared) await database.cleanup()
    },
  }
}

/** The error code of an error response body. */
export const codeOf = (body: unknown) =>
  (body as { errors?: { extensions?: { code?: string } }[] }).errors?.[0]?.extensions?.code
/** The extensions of an error response body. */
export const extensionsOf = (body: unknown) =>
  (body as { errors?: { extensions?: Record<string, unknown> }[] }).errors?.[0]?.extensions ?? {}
