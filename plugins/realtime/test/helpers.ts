// Test harness: real servers on loopback (the Node preset's serve()) on a real database, a
// principal resolver driven by bearer tokens the test controls (revoke, change roles), schemas
// contributed as the collections plugin would, and a real EventSource client.

import { collections } from '@backlex/collections'
import {
  type BacklexConfig,
  defineConfig,
  definePlugin,
  KernelErrors,
  type Plugin,
  type Principal,
  PrincipalResolvers,
  systemPrincipal,
} from '@backlex/kernel'
import { type NodeServer, serve } from '@backlex/node'
import {
  type CollectionFilterSchema,
  CollectionSchemas,
  type PermissionInput,
  Permissions,
  permissions,
} from '@backlex/permissions'
import { silentLogger, type TestDatabase } from '@backlex/test-utils'
import { EventSource } from 'eventsource'
import { type RealtimeOptions, realtime } from '../src/index.js'

/**
 * Principals by bearer token; `revoked` answers 401 like a revoked API key, `ended` resolves to
 * nobody like an ended session, `broken` fails like an unreachable database.
 */
export class TokenBook {
  readonly principals = new Map<string, Principal | 'revoked' | 'ended' | 'broken'>()
  /** How many times a token was resolved (requests and re-checks). */
  readonly lookups = new Map<string, number>()

  set(token: string, principal: Partial<Principal> | 'revoked' | 'ended' | 'broken'): void {
    if (typeof principal === 'string') {
      this.principals.set(token, principal)
      return
    }
    const id = principal.id ?? token
    this.principals.set(token, {
      type: principal.type ?? 'user',
      id,
      userId: principal.userId ?? id,
      roles: principal.roles ?? [],
      admin: principal.admin ?? false,
      ...(principal.attributes ? { attributes: principal.attributes } : {}),
      ...(principal.scopes ? { scopes: principal.scopes } : {}),
    })
  }

  plugin(): Plugin {
    return definePlugin({
      name: '@backlex/test-tokens',
      version: '0.0.0',
      register: (ctx) => {
        ctx.contribute(PrincipalResolvers, ({ request }) => {
          const match = /^Bearer test-(\S+)$/.exec(request.headers.get('authorization') ?? '')
          if (!match?.[1]) return null
          const token = match[1]
          this.lookups.set(token, (this.lookups.get(token) ?? 0) + 1)
          const found = this.principals.get(token)
          if (found === 'revoked') throw KernelErrors.UNAUTHORIZED('This key was revoked.')
          if (found === 'broken') throw new Error('database unreachable')
          if (found === 'ended') return null
          return found ?? null
        })
      },
    })()
  }
}

export const bearer = (token: string) => ({ authorization: `Bearer test-${token}` })

/** The `articles` collection as the collections plugin would describe it to permissions. */
export const ARTICLES: CollectionFilterSchema = {
  schema: {
    id: { type: 'integer' },
    title: { type: 'string' },
    status: { type: 'string' },
    owner: { type: 'string' },
    views: { type: 'integer' },
    secret: { type: 'string' },
  },
}

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

export interface TestServer {
  server: NodeServer
  url: string
  tokens: TokenBook
  logger: ReturnType<typeof silentLogger>
  /** Emits an items action event as the collections plugin does after a commit. */
  emit(
    action: 'items.created' | 'items.updated' | 'items.deleted',
    payload: Record<string, unknown>,
  ): void
  grant(input: PermissionInput): Promise<void>
  request(
    method: string,
    path: string,
    options?: { headers?: Record<string, string>; body?: unknown },
  ): Promise<{ status: number; body: unknown; headers: Headers }>
  close(): Promise<void>
}

export const FAST: RealtimeOptions = { retryMs: 50, heartbeatMs: 60_000, gapWaitMs: 50 }

/** Serves a kernel with realtime on `database` over loopback HTTP. */
export async function startServer(
  database: TestDatabase,
  options: {
    realtime?: RealtimeOptions
    /** Installs @backlex/collections (the items query reader, schema events); default true. */
    collections?: boolean
    plugins?: Plugin[]
    tokens?: TokenBook
    config?: Partial<BacklexConfig>
    shutdownTimeoutMs?: number
  } = {},
): Promise<TestServer> {
  const tokens = options.tokens ?? new TokenBook()
  const logger = silentLogger()
  const server = await serve(
    defineConfig({
      plugins: [
        database.plugin(),
        tokens.plugin(),
        testSchemas({ articles: ARTICLES }),
        permissions(),
        ...(options.collections === false ? [] : [collections()]),
        realtime({ ...FAST, ...options.realtime }),
        ...(options.plugins ?? []),
      ],
      dev: true,
      logger,
      ...options.config,
    }),
    {
      port: 0,
      hostname: '127.0.0.1',
      signals: false,
      shutdownTimeoutMs: options.shutdownTimeoutMs ?? 200,
    },
  )
  const kernel = server.kernel
  return {
    server,
    url: server.url,
    tokens,
    logger,
    emit(action, payload) {
      kernel.events.emit(action, payload, { workspace: 'main', principal: systemPrincipal })
    },
    async grant(input) {
      await kernel.get(Permissions).create('main', input)
    },
    async request(method, path, opts = {}) {
      const headers: Record<string, string> = { ...opts.headers }
      if (opts.body !== undefined) headers['content-type'] = 'application/json'
      const res = await fetch(`${server.url}${path}`, {
        method,
        headers,
        ...(opts.body !== undefined ? { body: JSON.stringify(opts.body) } : {}),
      })
      const text = await res.text()
      return {
        status: res.status,
        body: text === '' ? null : (JSON.parse(text) as unknown),
        headers: res.headers,
      }
    },
    close: () => server.close(),
  }
}

/**
 * The read rules most tests use: `public` sees published articles (id, title, status, views),
 * `editor` sees its own articles, every field.
 */
export async function grantArticleReaders(app: TestServer): Promise<void> {
  await app.grant({
    role: 'public',
    collection: 'articles',
    action: 'read',
    filter: { status: { _eq: 'published' } },
    fields: ['id', 'title', 'status', 'views'],
  })
  await app.grant({
    role: 'editor',
    collection: 'articles',
    action: 'read',
    filter: { owner: { _eq: '$CURRENT_USER' } },
    fields: '*',
  })
}

export interface ReceivedEvent {
  type: string
  data: Record<string, unknown>
  id: string
}

const EVENT_TYPES = [
  'ready',
  'reset',
  'create',
  'update',
  'delete',
  'leave',
  'message',
  'roster',
  'join',
  'end',
]

/** A real WHATWG EventSource (the `eventsource` package) recording every event it dispatches. */
export class StreamClient {
  readonly events: ReceivedEvent[] = []
  readonly source: EventSource
  /** Connection errors (status codes of refused reconnects). */
  readonly errors: (number | undefined)[] = []
  private waiters: (() => void)[] = []

  constructor(url: string, headers: Record<string, string> = {}) {
    this.source = new EventSource(url, {
      fetch: (input, init) => fetch(input, { ...init, headers: { ...init.headers, ...headers } }),
    })
    for (const type of EVENT_TYPES) {
      this.source.addEventListener(type, (event) => {
        const message = event as MessageEvent<string>
        this.events.push({
          type,
          data: JSON.parse(message.data) as Record<string, unknown>,
          id: message.lastEventId,
        })
        this.notify()
      })
    }
    this.source.addEventListener('error', (event) => {
      if (!(event instanceof MessageEvent)) {
        this.errors.push((event as Event & { code?: number }).code)
        this.notify()
      }
    })
  }

  private notify() {
    for (const w of this.waiters.splice(0)) w()
  }

  of(...types: string[]): ReceivedEvent[] {
    return this.events.filter((e) => types.includes(e.type))
  }

  /** Waits until `check` holds (re-checked after every event), failing after `ms`. */
  async until(check: () => boolean, what: string, ms = 5000): Promise<void> {
    const deadline = Date.now() + ms
    while (!check()) {
      const left = deadline - Date.now()
      if (left <= 0) {
        throw new Error(
          `timed out waiting for ${what}; got ${JSON.stringify(this.events.map((e) => [e.type, e.id, e.data]))}`,
        )
      }
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, Math.min(left, 100))
        this.waiters.push(() => {
          clearTimeout(timer)
          resolve()
        })
      })
    }
  }

  /** Waits for the n-th event of a type (1-based) and returns it. */
  async next(type: string, n = 1, ms = 5000): Promise<ReceivedEvent> {
    await this.until(() => this.of(type).length >= n, `${n} "${type}" event(s)`, ms)
    return this.of(type)[n - 1] as ReceivedEvent
  }

  close(): void {
    this.source.close()
  }
}

/** Resolves after `ms`; for "nothing else arrives" checks after a later event proved delivery. */
export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

/** The error code of an error response body. */
export const codeOf = (body: unknown) =>
  (body as { errors?: { extensions?: { code?: string } }[] } | null)?.errors?.[0]?.extensions?.code
