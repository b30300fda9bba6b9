// Test harness: a kernel with @backlex/auth on a fresh database, and a small HTTP client
// that drives it through app.fetch like a browser (cookies) or an API client (bearer).

import { consoleEmail } from '@backlex/email'
import {
  type Backlex,
  type ClockAdapter,
  createBacklex,
  Database,
  type Plugin,
} from '@backlex/kernel'
import { dialects, silentLogger, type TestDatabase } from '@backlex/test-utils'
import type { Kysely } from 'kysely'
import { type AuthOptions, auth } from '../src/index.js'

type RecordingLogger = ReturnType<typeof silentLogger>

export const ORIGIN = 'http://localhost'
export const SECRET = 'test-secret-0123456789-abcdefghijklmnopqrstuvwxyz'

/** Dialects to run on; PostgreSQL only when TEST_DATABASE_URL is set. */
export const dialectsUnderTest = dialects.filter((d) => d.available)

export interface TestApp {
  app: Backlex
  db: TestDatabase
  logger: RecordingLogger
  http: HttpClient
  // biome-ignore lint/suspicious/noExplicitAny: tests read any table
  sql: Kysely<any>
  close(): Promise<void>
}

export interface StartOptions {
  auth?: AuthOptions
  /** The Email plugin; consoleEmail() by default, null for none. */
  email?: Plugin | null
  dev?: boolean
  /** The kernel's clock; the system clock by default. */
  clock?: ClockAdapter
  /** More plugins (e.g. a shared PubSub for a second instance). */
  plugins?: Plugin[]
  /** The address the runtime preset reports listening on (`runtime.listenURL`). */
  listenURL?: string
}

/** A clock that stands still until moved: `advance(ms)` is time passing. */
export function manualClock(start = Date.now()): ClockAdapter & { advance(ms: number): void } {
  let at = start
  return {
    now: () => new Date(at),
    advance(ms) {
      at += ms
    },
  }
}

export async function startApp(db: TestDatabase, options: StartOptions = {}): Promise<TestApp> {
  const logger = silentLogger()
  const email = options.email === undefined ? consoleEmail() : options.email
  const app = createBacklex({
    logger,
    dev: options.dev ?? false,
    migrateOnBoot: true,
    ...(options.clock ? { clock: options.clock } : {}),
    runtime: {
      name: 'node',
      capabilities: ['filesystem', 'process', 'tcp'],
      ...(options.listenURL ? { listenURL: () => options.listenURL } : {}),
    },
    plugins: [
      db.plugin(),
      ...(email ? [email] : []),
      ...(options.plugins ?? []),
      auth({ secret: SECRET, baseURL: ORIGIN, ...options.auth }),
    ],
  })
  await app.boot()
  return {
    app,
    db,
    logger,
    http: new HttpClient(app),
    sql: app.get(Database).db,
    close: async () => {
      await app.shutdown()
    },
  }
}

export interface Caller {
  /** `backlex.session_token=...` as a browser would send it. */
  cookie?: string
  /** A session token or API key secret, sent as `Authorization: Bearer`. */
  bearer?: string
}

export interface HttpResult {
  status: number
  // biome-ignore lint/suspicious/noExplicitAny: response bodies are asserted field by field
  body: any
  headers: Headers
}

export class HttpClient {
  constructor(private readonly app: Backlex) {}

  async request(
    method: string,
    path: string,
    options: {
      body?: unknown
      as?: Caller
      headers?: Record<string, string>
      /**
       * The `Origin` a browser sends with the cookie (default ORIGIN; null: none). Without a
       * cookie no Origin is sent unless given here or in `headers`.
       */
      origin?: string | null
      /** Where the request is addressed, as a Node server builds it from `Host` (default ORIGIN). */
      base?: string
    } = {},
  ): Promise<HttpResult> {
    const headers = new Headers(options.headers)
    if (options.body !== undefined) headers.set('content-type', 'application/json')
    if (options.as?.cookie) {
      headers.set('cookie', options.as.cookie)
      if (options.origin === undefined && !headers.has('origin')) headers.set('origin', ORIGIN)
    }
    if (options.origin) headers.set('origin', options.origin)
    if (options.as?.bearer) headers.set('authorization', `Bearer ${options.as.bearer}`)
    const response = await this.app.fetch(
      new Request(`${options.base ?? ORIGIN}${path}`, {
        method,
        headers,
        ...(options.body !== undefined ? { body: JSON.stringify(options.body) } : {}),
      }),
    )
    const text = await response.text()
    let body: unknown = null
    if (text) {
      try {
        body = JSON.parse(text)
      } catch {
        body = text
      }
    }
    return { status: response.status, body, headers: response.headers }
  }

  get = (path: string, as?: Caller) => this.request('GET', path, { ...(as ? { as } : {}) })
  post = (path: string, body: unknown, as?: Caller) =>
    this.request('POST', path, { body, ...(as ? { as } : {}) })
  patch = (path: string, body: unknown, as?: Caller) =>
    this.request('PATCH', path, { body, ...(as ? { as } : {}) })
  delete = (path: string, as?: Caller) => this.request('DELETE', path, { ...(as ? { as } : {}) })

  /** Signs up and returns the session as both a cookie and a bearer token. */
  async signUp(email: string, password = 'correct horse battery', name = email.split('@')[0]) {
    const result = await this.post('/api/auth/sign-up/email', { email, password, name })
    if (result.status !== 200) throw new Error(`sign-up failed: ${JSON.stringify(result.body)}`)
    return { ...result, ...sessionOf(result), userId: result.body.user.id as string }
  }
}

/** The session cookie (as a Cookie header value) and bearer token of an auth response. */
export function sessionOf(result: Pick<HttpResult, 'headers'>): { cookie: string; token: string } {
  const setCookie = result.headers
    .getSetCookie()
    .find((c) => c.startsWith('backlex.session_token='))
  const token = result.headers.get('set-auth-token')
  if (!setCookie || !token) throw new Error('no session in the response')
  return { cookie: setCookie.split(';')[0] ?? '', token }
}

export function errorCode(result: HttpResult): string | undefined {
  return result.body?.errors?.[0]?.extensions?.code
}
