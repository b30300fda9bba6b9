// Test harness: a real backlex server (@backlex/node serve, port 0) with auth, permissions,
// mcp and the notes plugin on a fresh database, three users, and MCP SDK clients for it.
import { auth } from '@backlex/auth'
import { Database, type Plugin } from '@backlex/kernel'
import { type NodeServer, serve } from '@backlex/node'
import { permissions } from '@backlex/permissions'
import { dialects, silentLogger, type TestDatabase } from '@backlex/test-utils'
import { Client } from '@modelcontextprotocol/sdk/client/index.js'
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js'
import type { Kysely } from 'kysely'
import { mcp } from '../src/index.js'
import { NOTES_TABLE, notes } from './notes-plugin.js'

export const dialectsUnderTest = dialects.filter((d) => d.available)

const ORIGIN = 'http://localhost'
const SECRET = 'mcp-test-secret-0123456789-abcdefghijklmnopqrstuvwxyz'

export interface Account {
  userId: string
  /** Session token, sent as `Authorization: Bearer`. */
  token: string
}

export interface RestResult {
  status: number
  // biome-ignore lint/suspicious/noExplicitAny: response bodies are asserted field by field
  body: any
  headers: Headers
}

export interface McpTestServer {
  server: NodeServer
  /** e.g. `http://127.0.0.1:41234`. */
  url: string
  db: TestDatabase
  // biome-ignore lint/suspicious/noExplicitAny: tests read any table
  sql: Kysely<any>
  /** What the server logged. */
  logs: ReturnType<typeof silentLogger>['lines']
  /** First user: admin. */
  admin: Account
  /** Holds the `reader` role: may read its own notes' id, owner and title. */
  ada: Account
  /** Holds the `reader` role too, with notes of its own. */
  bob: Account
  rest(method: string, path: string, body?: unknown, bearer?: string): Promise<RestResult>
  /** Creates an API key as `owner`; returns its id and secret. */
  createKey(
    owner: Account,
    input?: Record<string, unknown>,
  ): Promise<{ id: string; secret: string }>
  close(): Promise<void>
}

export async function startMcpServer(
  db: TestDatabase,
  extra: Plugin[] = [],
): Promise<McpTestServer> {
  const logger = silentLogger()
  const server = await serve(
    {
      logger,
      migrateOnBoot: true,
      plugins: [
        db.plugin(),
        auth({ secret: SECRET, baseURL: ORIGIN, rateLimit: { enabled: false } }),
        permissions(),
        mcp(),
        notes(),
        ...extra,
      ],
    },
    { port: 0, hostname: '127.0.0.1', signals: false },
  )
  const url = server.url
  const rest = async (
    method: string,
    path: string,
    body?: unknown,
    bearer?: string,
  ): Promise<RestResult> => {
    const headers = new Headers({ origin: ORIGIN })
    if (body !== undefined) headers.set('content-type', 'application/json')
    if (bearer) headers.set('authorization', `Bearer ${bearer}`)
    const res = await fetch(`${url}${path}`, {
      method,
      headers,
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    })
    const text = await res.text()
    let parsed: unknown = null
    if (text) {
      try {
        parsed = JSON.parse(text)
      } catch {
        parsed = text
      }
    }
    return { status: res.status, body: parsed, headers: res.headers }
  }
  const signUp = async (email: string): Promise<Account> => {
    const res = await rest('POST', '/api/auth/sign-up/email', {
      email,
      password: 'correct horse battery',
      name: email.split('@')[0],
    })
    const token = res.headers.get('set-auth-token')
    if (res.status !== 200 || !token) throw new Error(`sign-up failed: ${JSON.stringify(res.body)}`)
    return { userId: res.body.user.id as string, token }
  }
  const expectOk = (res: RestResult, what: string) => {
    if (res.status >= 300) throw new Error(`${what}: ${res.status} ${JSON.stringify(res.body)}`)
    return res
  }

  const admin = await signUp('admin@example.com')
  const ada = await signUp('ada@example.com')
  const bob = await signUp('bob@example.com')
  expectOk(await rest('POST', '/api/roles', { name: 'reader' }, admin.token), 'create role')
  for (const who of [ada, bob]) {
    expectOk(
      await rest('POST', `/api/users/${who.userId}/roles`, { roles: ['reader'] }, admin.token),
      'assign role',
    )
  }
  // Readers read their own notes, and not their secrets; they may create notes too.
  expectOk(
    await rest(
      'POST',
      '/api/permissions',
      {
        role: 'reader',
        collection: 'notes',
        action: 'read',
        filter: { owner: { _eq: '$CURRENT_USER' } },
        fields: ['id', 'owner', 'title'],
      },
      admin.token,
    ),
    'read rule',
  )
  expectOk(
    await rest(
      'POST',
      '/api/permissions',
      { role: 'reader', collection: 'notes', action: 'create' },
      admin.token,
    ),
    'create rule',
  )

  const sql = server.kernel.get(Database).db
  await sql
    .insertInto(NOTES_TABLE)
    .values([
      { id: 'n1', workspace: 'main', owner: ada.userId, title: 'Ada 1', secret: 's-ada-1' },
      { id: 'n2', workspace: 'main', owner: bob.userId, title: 'Bob 1', secret: 's-bob-1' },
      { id: 'n3', workspace: 'main', owner: ada.userId, title: 'Ada 2', secret: 's-ada-2' },
      { id: 'n4', workspace: 'main', owner: admin.userId, title: 'Admin 1', secret: 's-adm-1' },
    ])
    .execute()

  return {
    server,
    url,
    db,
    sql,
    logs: logger.lines,
    admin,
    ada,
    bob,
    rest,
    async createKey(owner, input = {}) {
      const res = expectOk(
        await rest('POST', '/api/api-keys', { name: 'agent', ...input }, owner.token),
        'create key',
      )
      return { id: res.body.data.id as string, secret: res.body.data.secret as string }
    },
    async close() {
      await server.close()
      await db.cleanup()
    },
  }
}

/** An MCP SDK client connected over Streamable HTTP with `bearer` as the credential. */
export async function connectHttp(url: string, bearer: string, path = '/mcp'): Promise<Client> {
  const client = new Client({ name: 'backlex-tests', version: '0.0.0' })
  const transport = new StreamableHTTPClientTransport(new URL(`${url}${path}`), {
    requestInit: { headers: { authorization: `Bearer ${bearer}` } },
  })
  await client.connect(transport)
  return client
}

/** The JSON text of a tool result, parsed. */
export function resultJson(result: unknown): unknown {
  const content = (result as { content?: { type: string; text?: string }[] }).content ?? []
  const text = content.find((c) => c.type === 'text')?.text
  return text === undefined ? undefined : JSON.parse(text)
}

/** The text of a tool result. */
export function resultText(result: unknown): string {
  const content = (result as { content?: { type: string; text?: string }[] }).content ?? []
  return content.find((c) => c.type === 'text')?.text ?? ''
}

/**
 * Runs `read` until `done` holds for its result (at most `attempts` times, a few milliseconds
 * apart), and returns the last result: for what the server writes just after it answers.
 */
export async function eventually<T>(
  read: () => Promise<T>,
  done: (value: T) => boolean,
  attempts = 100,
): Promise<T> {
  let value = await read()
  for (let i = 1; i < attempts && !done(value); i++) {
    await new Promise((resolve) => setTimeout(resolve, 10))
    value = await read()
  }
  return value
}
