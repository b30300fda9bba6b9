// The request guards through a real kernel: bad text and deep JSON refused on routes and mounts
// alike, bodies still readable afterwards, and writes of read-only principals refused.
import { Hono } from 'hono'
import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import type { BacklexEnv } from '../context.js'
import { createBacklex } from '../kernel.js'
import { definePlugin } from '../plugin.js'
import { type Principal, PrincipalResolvers } from '../principal.js'
import { checkJsonValue, checkUrlText, MAX_JSON_DEPTH } from './request-guards.js'
import { defineRoute } from './route.js'

const readOnlyAdmin: Principal = {
  type: 'apiKey',
  id: 'k1',
  userId: 'u1',
  roles: ['admin'],
  admin: true,
  scopes: { readOnly: true, tools: null },
}

function app() {
  const writes: unknown[] = []
  const plugin = definePlugin({
    name: '@test/guarded',
    version: '1.0.0',
    register(ctx) {
      ctx.route(
        defineRoute({
          method: 'post',
          path: '/notes',
          body: z.object({ title: z.string() }).passthrough(),
          status: 201,
          handler: ({ body }) => {
            writes.push(body)
            return { ok: true }
          },
        }),
      )
      ctx.route(
        defineRoute({
          method: 'post',
          path: '/search',
          effect: 'read',
          body: z.object({ q: z.string() }),
          handler: ({ body }) => ({ q: body.q }),
        }),
      )
      ctx.route(
        defineRoute({
          method: 'get',
          path: '/echo',
          query: z.object({ q: z.string().optional() }),
          handler: ({ query }) => ({ q: query.q ?? null }),
        }),
      )
      // A mount that reads the raw request itself, as better-auth and MCP do.
      const raw = new Hono<BacklexEnv>()
      raw.post('/', async (c) => {
        const body = await c.req.raw.json()
        writes.push(body)
        return c.json({ got: body }, 201)
      })
      ctx.routes('/raw', raw)
      const reads = new Hono<BacklexEnv>()
      reads.post('/', async (c) => c.json({ got: await c.req.json() }))
      ctx.routes('/reads', reads, { effect: 'read' })
      ctx.contribute(PrincipalResolvers, ({ request }) =>
        request.headers.get('authorization') === 'Bearer read-only' ? readOnlyAdmin : null,
      )
    },
  })
  const kernel = createBacklex({ plugins: [plugin()] })
  const send = async (
    path: string,
    init: { method?: string; body?: BodyInit; type?: string; readOnly?: boolean } = {},
  ) => {
    const headers: Record<string, string> = {}
    if (init.body !== undefined) headers['content-type'] = init.type ?? 'application/json'
    if (init.readOnly) headers.authorization = 'Bearer read-only'
    const response = await kernel.fetch(
      new Request(`http://localhost${path}`, {
        method: init.method ?? (init.body === undefined ? 'GET' : 'POST'),
        headers,
        body: init.body ?? null,
      }),
    )
    const json = (await response.json()) as {
      errors?: { extensions: { code: string } }[]
    } & Record<string, unknown>
    return { status: response.status, code: json.errors?.[0]?.extensions.code, json }
  }
  return { send, writes }
}

const nested = (depth: number) => `${'['.repeat(depth - 1)}{"title":"x"}${']'.repeat(depth - 1)}`

describe('bad text', () => {
  it.each([
    ['a NUL in the query', '/api/echo?q=a%00b'],
    ['invalid UTF-8 in the query', '/api/echo?q=%FF%FE'],
    ['an encoded surrogate in the query', '/api/echo?q=%ED%A0%80'],
    ['a NUL in the path', '/api/notes%00'],
  ])('refuses %s with 400 INVALID_TEXT', async (_what, path) => {
    const { send } = app()
    const answer = await send(path)
    expect(answer).toMatchObject({ status: 400, code: 'INVALID_TEXT' })
  })

  it('passes clean percent-encoded text and a stray percent sign', async () => {
    const { send } = app()
    expect((await send('/api/echo?q=caf%C3%A9%20%F0%9F%98%80')).json).toEqual({ q: 'café 😀' })
    expect((await send('/api/echo?q=100%')).status).toBe(200)
  })

  it.each([
    ['a NUL escape', '{"title":"a\\u0000b"}'],
    ['a NUL escape in a key', '{"title":"x","a\\u0000":1}'],
    ['a lone high surrogate', '{"title":"\\ud800"}'],
    ['a lone low surrogate', '{"title":"x\\udc00y"}'],
    ['a NUL deep inside', '{"title":"x","meta":{"list":[1,{"k":"\\u0000"}]}}'],
  ])('refuses a JSON body with %s on routes and mounts, writing nothing', async (_what, body) => {
    const { send, writes } = app()
    for (const path of ['/api/notes', '/api/raw']) {
      expect(await send(path, { body })).toMatchObject({ status: 400, code: 'INVALID_TEXT' })
    }
    expect(writes).toEqual([])
  })

  it('refuses bytes that are not UTF-8 in JSON and form bodies', async () => {
    const { send, writes } = app()
    const bytes = new Uint8Array([0x7b, 0x22, 0x74, 0x22, 0x3a, 0x22, 0xff, 0x22, 0x7d])
    expect(await send('/api/notes', { body: bytes })).toMatchObject({
      status: 400,
      code: 'INVALID_TEXT',
    })
    expect(
      await send('/api/raw', { body: 'a=%00&b=\u0000', type: 'application/x-www-form-urlencoded' }),
    ).toMatchObject({ status: 400, code: 'INVALID_TEXT' })
    expect(writes).toEqual([])
  })

  it('keeps a valid surrogate pair and hands mounts the same body', async () => {
    const { send, writes } = app()
    const answer = await send('/api/raw', { body: '{"title":"\\ud83d\\ude00"}' })
    expect(answer).toMatchObject({ status: 201, json: { got: { title: '😀' } } })
    expect(writes).toEqual([{ title: '😀' }])
  })

  it('leaves malformed JSON to the route, which answers INVALID_JSON', async () => {
    const { send } = app()
    expect(await send('/api/notes', { body: '{"title":' })).toMatchObject({
      status: 400,
      code: 'INVALID_JSON',
    })
  })
})

describe('deep JSON', () => {
  it(`refuses a body nested more than ${MAX_JSON_DEPTH} levels with 400 JSON_TOO_DEEP`, async () => {
    const { send, writes } = app()
    for (const depth of [MAX_JSON_DEPTH + 1, 100_000]) {
      for (const path of ['/api/notes', '/api/raw']) {
        expect(await send(path, { body: nested(depth) })).toMatchObject({
          status: 400,
          code: 'JSON_TOO_DEEP',
        })
      }
    }
    expect(writes).toEqual([])
  })

  it(`accepts ${MAX_JSON_DEPTH} levels`, () => {
    expect(() => checkJsonValue(JSON.parse(nested(MAX_JSON_DEPTH)))).not.toThrow()
    expect(() => checkJsonValue(JSON.parse(nested(MAX_JSON_DEPTH + 1)))).toThrow(/128 levels/)
  })
})

describe('read-only principals', () => {
  it('refuses writes to routes and mounts with 403 READ_ONLY_KEY, admins included', async () => {
    const { send, writes } = app()
    const body = '{"title":"x"}'
    for (const path of ['/api/notes', '/api/raw']) {
      expect(await send(path, { body, readOnly: true })).toMatchObject({
        status: 403,
        code: 'READ_ONLY_KEY',
      })
    }
    // A mount's every non-GET method is a write unless it says otherwise.
    for (const method of ['PUT', 'PATCH', 'DELETE']) {
      const answer = await send('/api/raw', { method, body, readOnly: true })
      expect(answer.code).toBe('READ_ONLY_KEY')
    }
    expect(writes).toEqual([])
    // Without the read-only scope the same requests write.
    expect((await send('/api/notes', { body })).status).toBe(201)
    expect((await send('/api/raw', { body })).status).toBe(201)
    expect(writes).toHaveLength(2)
  })

  it('lets reads through: GET, and routes and mounts declared as reads', async () => {
    const { send } = app()
    expect((await send('/api/echo?q=1', { readOnly: true })).json).toEqual({ q: '1' })
    expect(await send('/api/search', { body: '{"q":"a"}', readOnly: true })).toMatchObject({
      status: 200,
      json: { q: 'a' },
    })
    expect(await send('/api/reads', { body: '{"q":"a"}', readOnly: true })).toMatchObject({
      status: 200,
      json: { got: { q: 'a' } },
    })
  })
})

describe('checkUrlText', () => {
  it('looks at the path and query, not the host', () => {
    expect(() => checkUrlText('http://localhost/api/items?x=%41')).not.toThrow()
    expect(() => checkUrlText('http://localhost/api/items?x=%C0%80')).toThrow(/not UTF-8/)
  })
})
