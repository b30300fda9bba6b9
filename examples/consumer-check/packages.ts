// How a user installs and probes each publishable package. A new package must add an entry here,
// or the consumer check fails: that is how "every plugin that exists" stays true.

export interface Probe {
  method: 'GET' | 'POST'
  path: string
  status: number
  body?: unknown
  headers?: Record<string, string>
  /** A substring the response body must contain. */
  contains?: string
}

export interface ConsumerEntry {
  /** Import lines for backlex.config.ts. */
  imports?: string[]
  /** The plugin expression in the config's plugin list (omit for presets and tools). */
  plugin?: string
  /** Lines for types-only.ts: uses that must type-check but cannot run here. */
  typesOnly?: string[]
  /** Requests against the started server. */
  probes?: Probe[]
}

export const packages: Record<string, ConsumerEntry> = {
  '@backlex/kernel': {},
  '@backlex/sqlite': {
    typesOnly: [
      "import { createSqliteDatabase } from '@backlex/sqlite'",
      "export const memory = createSqliteDatabase({ filename: ':memory:' })",
    ],
  },
  '@backlex/postgres': {
    typesOnly: [
      "import { postgres, postgresPubSub } from '@backlex/postgres'",
      "export const pg = [postgres({ connectionString: 'postgres://localhost/app' }), postgresPubSub()]",
    ],
  },
  '@backlex/cloudflare': {
    typesOnly: [
      "import { createWorker } from '@backlex/cloudflare'",
      "import { defineConfig as defineWorkerConfig } from '@backlex/kernel'",
      'export const worker = createWorker((env: { GREETING?: string }) =>',
      '  defineWorkerConfig({ plugins: [], name: env.GREETING ?? "worker" }),',
      ')',
    ],
  },
  '@backlex/node': {
    typesOnly: [
      "import { serve, withNodeDefaults } from '@backlex/node'",
      "import config from './backlex.config.ts'",
      'export const start = () => serve(config, { port: 0, signals: false })',
      'export const resolved = withNodeDefaults(config).then((c) => c.plugins.length)',
    ],
  },
  '@backlex/cli': {},
  '@backlex/email': {
    imports: ["import { consoleEmail } from '@backlex/email'"],
    plugin: 'consoleEmail()',
    typesOnly: [
      "import { smtpEmail } from '@backlex/email'",
      "export const smtp = smtpEmail({ host: '127.0.0.1', port: 2525, from: 'app@example.com' })",
    ],
  },
  '@backlex/auth': {
    imports: ["import { auth } from '@backlex/auth'"],
    plugin:
      "auth({ secret: 'consumer-check-secret-0123456789abcdef0123456789', baseURL: 'http://127.0.0.1' })",
    probes: [
      {
        method: 'POST',
        path: '/api/auth/sign-up/email',
        status: 200,
        // A browser on the app's origin; better-auth refuses cross-site sign-ups.
        headers: { origin: 'http://127.0.0.1' },
        body: { email: 'ada@example.com', password: 'correct horse battery', name: 'Ada' },
        contains: 'ada@example.com',
      },
      { method: 'GET', path: '/api/api-keys', status: 401, contains: 'UNAUTHORIZED' },
    ],
  },
  '@backlex/permissions': {
    imports: ["import { permissions } from '@backlex/permissions'"],
    plugin: 'permissions()',
    typesOnly: [
      "import { parseFilter, prepareFilter } from '@backlex/permissions/filter'",
      "export const published = prepareFilter(parseFilter({ status: { _eq: 'published' } }), { dialect: 'sqlite' })",
    ],
    probes: [{ method: 'GET', path: '/api/permissions', status: 401, contains: 'UNAUTHORIZED' }],
  },
  '@backlex/activity': {
    imports: ["import { activity } from '@backlex/activity'"],
    plugin: 'activity()',
    typesOnly: [
      "import type { ActivityEntry } from '@backlex/activity/contract'",
      "export const entry: ActivityEntry = { workspace: 'main', action: 'flows.run', principal: { type: 'system', id: 'system', userId: null, roles: [], admin: true }, detail: { ok: true } }",
    ],
    probes: [{ method: 'GET', path: '/api/activity', status: 401, contains: 'UNAUTHORIZED' }],
  },
  '@backlex/collections': {
    imports: ["import { collections } from '@backlex/collections'"],
    plugin: 'collections({ items: { maxLimit: 500 } })',
    typesOnly: [
      "import { normalizeQuery, type CollectionInput } from '@backlex/collections'",
      "export const articles: CollectionInput = { slug: 'articles', fields: [{ name: 'title', type: 'string' }] }",
      "export const query = normalizeQuery({ limit: '10', sort: '-views' })",
    ],
    probes: [
      { method: 'GET', path: '/api/collections', status: 401, contains: 'UNAUTHORIZED' },
      { method: 'GET', path: '/api/items/articles', status: 403, contains: 'FORBIDDEN' },
    ],
  },
  '@backlex/graphql': {
    imports: ["import { graphql } from '@backlex/graphql'"],
    plugin: 'graphql({ maxDepth: 10 })',
    typesOnly: [
      "import { GraphQLContributions, type GraphQLContribution } from '@backlex/graphql'",
      "import type { GraphQLBuilder } from '@backlex/graphql/contract'",
      'export const contribution: GraphQLContribution = (builder: GraphQLBuilder, build) => {',
      "  if (build.view.collections.size > 0) builder.queryField('collectionCount', (t) => t.int({ nullable: false, resolve: () => build.view.collections.size }))",
      '}',
      'export const point = GraphQLContributions.id',
    ],
    probes: [
      {
        method: 'POST',
        path: '/api/graphql',
        status: 200,
        body: { query: '{ __typename }' },
        contains: '"__typename":"Query"',
      },
      {
        method: 'GET',
        path: '/api/graphql?query=%7BschemaVersion%7D',
        status: 200,
        contains: 'schemaVersion',
      },
      {
        method: 'POST',
        path: '/api/graphql',
        status: 400,
        body: { query: '{ nope }' },
        contains: 'GRAPHQL_VALIDATION_FAILED',
      },
    ],
  },
  '@backlex/mcp': {
    imports: ["import { mcp } from '@backlex/mcp'"],
    plugin: 'mcp()',
    typesOnly: [
      "import { mcpToolHints, toolRefusal } from '@backlex/mcp'",
      "export const hints = mcpToolHints('destructive').destructiveHint",
      "export const refused = toolRefusal({ name: 'notes.create', annotation: 'write' }, { type: 'apiKey', id: 'k', userId: 'u', roles: [], admin: false, scopes: { readOnly: true, tools: null } }, 'agent')?.code",
    ],
    probes: [
      {
        method: 'POST',
        path: '/mcp',
        status: 401,
        headers: { accept: 'application/json, text/event-stream' },
        body: { jsonrpc: '2.0', id: 1, method: 'ping' },
        contains: 'UNAUTHORIZED',
      },
      {
        method: 'POST',
        path: '/mcp',
        status: 401,
        headers: {
          accept: 'application/json, text/event-stream',
          authorization: 'Bearer blx_unknown',
        },
        body: { jsonrpc: '2.0', id: 1, method: 'ping' },
        contains: 'INVALID_API_KEY',
      },
    ],
  },
  '@backlex/realtime': {
    imports: ["import { realtime } from '@backlex/realtime'"],
    plugin: 'realtime({ heartbeatMs: 15_000 })',
    // A subscription is an endless stream and the probe reads whole bodies, so the probes are
    // the answers that return at once.
    probes: [
      {
        method: 'POST',
        path: '/api/realtime/news/publish',
        status: 401,
        body: { data: { text: 'hello' } },
        contains: 'UNAUTHORIZED',
      },
      {
        method: 'GET',
        path: '/api/realtime/Not%20a%20channel/subscribe',
        status: 400,
        contains: 'REALTIME_INVALID_CHANNEL',
      },
    ],
  },
  '@backlex/redis': {
    typesOnly: [
      "import { createRedisKv, redisKv, redisPubSub } from '@backlex/redis'",
      "export const redis = [redisKv({ url: 'redis://127.0.0.1:6379' }), redisPubSub()]",
      "export const cache = createRedisKv({ url: 'redis://127.0.0.1:6379', keyPrefix: 'app:' })",
    ],
  },
}
