// A burst of hostile requests against the running example (NUL bytes, invalid UTF-8, lone
// surrogates, deep nesting, on every surface): each gets a 4xx with a stable code, nothing is
// written, and the process is still there to answer /health.
import { appTargets } from '@backlex/test-utils'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  type Answer,
  codeOf,
  createKey,
  type LaunchedApp,
  launchExampleApp,
  send,
  signUpAdmin,
} from './launch.js'

const POSTS = {
  slug: 'posts',
  fields: [
    { name: 'title', type: 'string', required: true },
    { name: 'extra', type: 'json' },
    { name: 'views', type: 'integer' },
  ],
}

const deepFilter = (depth: number) =>
  `${'{"_and":['.repeat(depth)}{"title":{"_eq":"x"}}${']}'.repeat(depth)}`
const deepArray = (depth: number) => `${'['.repeat(depth)}${']'.repeat(depth)}`

interface Hostile {
  what: string
  method: string
  path: string
  /** Sent as is: a string is the raw body text, bytes are sent as bytes. */
  body?: string | Uint8Array<ArrayBuffer>
  mcp?: boolean
}

const MCP_HEADERS = {
  accept: 'application/json, text/event-stream',
  'mcp-protocol-version': '2025-06-18',
}

const mcpCall = (name: string, args: string) =>
  `{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"${name}","arguments":${args}}}`

const HOSTILE: Hostile[] = [
  { what: 'NUL in search', method: 'GET', path: '/api/items/posts?search=%00' },
  { what: 'NUL in search with meta', method: 'GET', path: '/api/items/posts?search=%00&meta=*' },
  {
    what: 'NUL in a filter value',
    method: 'GET',
    path: '/api/items/posts?filter[title][_eq]=a%00',
  },
  {
    what: 'NUL in a JSON filter',
    method: 'GET',
    path: `/api/items/posts?meta=*&filter=${encodeURIComponent('{"title":{"_eq":"\u0000"}}')}`,
  },
  { what: 'NUL in fields', method: 'GET', path: '/api/items/posts?fields=id%00' },
  { what: 'NUL in sort', method: 'GET', path: '/api/items/posts?sort=%00' },
  { what: 'NUL in a key', method: 'GET', path: '/api/items/posts/1%00' },
  { what: 'NUL in a collection name', method: 'GET', path: '/api/items/po%00sts' },
  { what: 'invalid UTF-8 in search', method: 'GET', path: '/api/items/posts?search=%FF&meta=*' },
  { what: 'an encoded surrogate', method: 'GET', path: '/api/items/posts?search=%ED%A0%80' },
  {
    what: 'a query-string filter nested 600 levels',
    method: 'GET',
    path: `/api/items/posts?meta=*&filter=${deepFilter(600)}`,
  },
  {
    what: 'NUL in an item field',
    method: 'POST',
    path: '/api/items/posts',
    body: '{"title":"a\\u0000"}',
  },
  {
    what: 'NUL in a json field',
    method: 'POST',
    path: '/api/items/posts',
    body: '{"title":"a","extra":{"k":"\\u0000"}}',
  },
  {
    what: 'NUL in a json field key',
    method: 'POST',
    path: '/api/items/posts',
    body: '{"title":"a","extra":{"\\u0000":1}}',
  },
  {
    what: 'a lone surrogate',
    method: 'POST',
    path: '/api/items/posts',
    body: '{"title":"\\ud800"}',
  },
  {
    what: 'bytes that are not UTF-8',
    method: 'POST',
    path: '/api/items/posts',
    body: new Uint8Array([
      0x7b, 0x22, 0x74, 0x69, 0x74, 0x6c, 0x65, 0x22, 0x3a, 0x22, 0xc3, 0x28, 0x22, 0x7d,
    ]),
  },
  {
    what: 'NUL in a collection name',
    method: 'POST',
    path: '/api/collections',
    body: '{"slug":"evil\\u0000","fields":[{"name":"a","type":"string"}]}',
  },
  {
    what: 'a body nested 100,000 levels',
    method: 'POST',
    path: '/api/items/posts',
    body: `{"title":"a","extra":${deepArray(100_000)}}`,
  },
  {
    what: 'a PATCH filter nested 2,000 levels',
    method: 'PATCH',
    path: '/api/items/posts',
    body: `{"query":{"filter":${deepFilter(2000)}},"data":{"views":1}}`,
  },
  {
    what: 'a DELETE filter nested 2,000 levels',
    method: 'DELETE',
    path: '/api/items/posts',
    body: `{"query":{"filter":${deepFilter(2000)}}}`,
  },
  {
    what: 'a PATCH filter nested 60 levels',
    method: 'PATCH',
    path: '/api/items/posts',
    body: `{"query":{"filter":${deepFilter(60)}},"data":{"views":1}}`,
  },
  {
    what: 'NUL in GraphQL variables',
    method: 'POST',
    path: '/api/graphql',
    body: '{"query":"query($s: String) { posts(search: $s) { id } }","variables":{"s":"\\u0000"}}',
  },
  {
    what: 'NUL in MCP items.list',
    method: 'POST',
    path: '/mcp',
    body: mcpCall('items.list', '{"collection":"posts","search":"\\u0000","meta":["*"]}'),
    mcp: true,
  },
  {
    what: 'a deep filter in MCP items.bulk_update',
    method: 'POST',
    path: '/mcp',
    body: mcpCall(
      'items.bulk_update',
      `{"collection":"posts","query":{"filter":${deepFilter(2000)}},"data":{"views":1}}`,
    ),
    mcp: true,
  },
]

/** A refusal as each surface gives it: the HTTP status, or MCP's error inside a 200. */
function refusal(hostile: Hostile, answer: Answer): { status: number; code: string | undefined } {
  if (!hostile.mcp || answer.status !== 200) return { status: answer.status, code: codeOf(answer) }
  const text = JSON.stringify(answer.json)
  const code = /"code":"([A-Z_]+)"/.exec(text)?.[1] ?? /([A-Z]+_[A-Z_]+)/.exec(text)?.[1]
  return { status: answer.json.result?.isError ? 400 : 200, code }
}

describe.each(appTargets)('hostile input on $dialect', (target) => {
  let app: LaunchedApp | undefined
  let key = ''

  beforeAll(async () => {
    if (!target.available) return
    app = await launchExampleApp(target)
    key = await createKey(app.base, await signUpAdmin(app.base), { name: 'admin' })
    const collection = await send(app.base, 'POST', '/api/collections', {
      bearer: key,
      body: POSTS,
    })
    expect(collection.status).toBe(201)
    const item = { title: 'kept', extra: { a: 1 }, views: 0 }
    expect(
      (await send(app.base, 'POST', '/api/items/posts', { bearer: key, body: item })).status,
    ).toBe(201)
  })
  afterAll(async () => {
    await app?.close()
  })

  it.skipIf(!target.available)(
    'answers every hostile request with a 4xx and a stable code, writes nothing, and lives',
    async () => {
      if (!app) throw new Error('the app did not start')
      const base = app.base
      const answers = await Promise.all(
        [0, 1, 2].flatMap(() =>
          HOSTILE.map(async (hostile) => {
            const response = await fetch(`${base}${hostile.path}`, {
              method: hostile.method,
              headers: {
                authorization: `Bearer ${key}`,
                ...(hostile.body !== undefined ? { 'content-type': 'application/json' } : {}),
                ...(hostile.mcp ? MCP_HEADERS : {}),
              },
              ...(hostile.body !== undefined ? { body: hostile.body } : {}),
              signal: AbortSignal.timeout(20_000),
            })
            const text = await response.text()
            const answer = { status: response.status, json: text ? JSON.parse(text) : undefined }
            return { what: hostile.what, ...refusal(hostile, answer) }
          }),
        ),
      )
      for (const answer of answers) {
        expect(answer.status, answer.what).toBeGreaterThanOrEqual(400)
        expect(answer.status, answer.what).toBeLessThan(500)
        expect(answer.code, answer.what).toMatch(/^[A-Z][A-Z_]+$/)
      }
      expect(app.server.child.exitCode).toBeNull()
      const health = await fetch(`${base}/health`)
      expect(health.status).toBe(200)
      const items = await send(base, 'GET', '/api/items/posts?sort=id', { bearer: key })
      expect(items.json.data).toEqual([{ id: 1, title: 'kept', extra: { a: 1 }, views: 0 }])
      const collections = await send(base, 'GET', '/api/collections', { bearer: key })
      expect(collections.json.data.map((c: { slug: string }) => c.slug)).toEqual(['posts'])
    },
  )

  it.skipIf(!target.available)('names what was wrong with text and depth', async () => {
    if (!app) throw new Error('the app did not start')
    const base = app.base
    const nul = await send(base, 'GET', '/api/items/posts?search=%00&meta=*', { bearer: key })
    expect({ status: nul.status, code: codeOf(nul) }).toEqual({ status: 400, code: 'INVALID_TEXT' })
    const deep = await send(base, 'POST', '/api/items/posts', {
      bearer: key,
      body: `{"title":"a","extra":${deepArray(1000)}}`,
    })
    expect({ status: deep.status, code: codeOf(deep) }).toEqual({
      status: 400,
      code: 'JSON_TOO_DEEP',
    })
    const filter = await send(base, 'PATCH', '/api/items/posts', {
      bearer: key,
      body: `{"query":{"filter":${deepFilter(40)}},"data":{"views":1}}`,
    })
    expect({ status: filter.status, code: codeOf(filter) }).toEqual({
      status: 400,
      code: 'INVALID_FILTER',
    })
  })
})
