// The HTTP shell: health, OpenAPI, the error envelope and request context on real databases.
import {
  BacklexError,
  definePlugin,
  defineRoute,
  type LoggerAdapter,
  type OpenApiDocument,
  PrincipalResolvers,
  type RequestContext,
} from '@backlex/kernel'
import { validate } from '@readme/openapi-parser'
import { Hono } from 'hono'
import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import { dialects, harness } from './helpers.js'

const notes = definePlugin({
  name: '@test/notes',
  version: '1.0.0',
  register(ctx) {
    ctx.route(
      defineRoute({
        method: 'post',
        path: '/notes',
        summary: 'Create a note',
        body: z.object({ title: z.string().min(1).max(50), tags: z.array(z.string()).default([]) }),
        response: z.object({ id: z.number(), title: z.string(), tags: z.array(z.string()) }),
        status: 201,
        handler: ({ body }) => ({ id: 1, ...body }),
      }),
    )
    ctx.route(
      defineRoute({
        method: 'get',
        path: '/notes/:id',
        params: z.object({ id: z.coerce.number().int().positive() }),
        query: z.object({ verbose: z.enum(['true', 'false']).optional() }),
        response: z.object({ id: z.number() }),
        handler: ({ params }) => ({ id: params.id }),
      }),
    )
    ctx.route(
      defineRoute({
        method: 'get',
        path: '/boom',
        handler: () => {
          throw new Error('SELECT * FROM secret_table -- internal detail')
        },
      }),
    )
    ctx.route(
      defineRoute({
        method: 'get',
        path: '/teapot',
        handler: () => {
          throw new BacklexError('TEAPOT', 418, 'I am a teapot.')
        },
      }),
    )
    ctx.route(
      defineRoute({
        method: 'get',
        path: '/whoami',
        handler: ({ ctx }: { ctx: RequestContext }) => ({
          workspace: ctx.workspace,
          principal: ctx.principal,
          requestId: ctx.requestId,
        }),
      }),
    )
    const raw = new Hono()
    raw.get('/ping', (c) => c.text('pong'))
    ctx.routes('/raw', raw)
    ctx.contribute(PrincipalResolvers, ({ request }) =>
      request.headers.get('x-test-user') === 'ada'
        ? { type: 'user', id: 'u1', userId: 'u1', roles: ['authenticated'], admin: false }
        : null,
    )
  },
})

const json = (body: unknown, headers: Record<string, string> = {}) => ({
  method: 'POST',
  headers: { 'content-type': 'application/json', ...headers },
  body: typeof body === 'string' ? body : JSON.stringify(body),
})

async function errorOf(res: Response) {
  const body = (await res.json()) as { errors: { message: string; extensions: { code: string } }[] }
  expect(body.errors).toHaveLength(1)
  return body.errors[0] as { message: string; extensions: { code: string } }
}

describe.each(dialects.filter((d) => d.available))('http on $dialect', (dialect) => {
  const setup = async (config = {}) => {
    const h = await harness(dialect)
    const app = h.kernel([notes()], config)
    await app.boot()
    return (path: string, init?: RequestInit) => app.fetch(new Request(`http://local${path}`, init))
  }

  it('answers /health', async () => {
    const call = await setup()
    const res = await call('/health')
    expect(res.status).toBe(200)
    expect(await res.json()).toEqual({ status: 'ok' })
    expect(res.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/)
  })

  it('serves a valid OpenAPI 3.1 document generated from the route schemas', async () => {
    const call = await setup()
    const res = await call('/api/openapi')
    expect(res.status).toBe(200)
    const doc = (await res.json()) as OpenApiDocument
    expect(doc.openapi).toBe('3.1.0')
    const result = await validate(structuredClone(doc) as never)
    expect(result.valid ? [] : result.errors).toEqual([])
    const post = doc.paths['/api/notes']?.post as {
      requestBody: { content: Record<string, { schema: { required: string[] } }> }
    }
    expect(post.requestBody.content['application/json']?.schema.required).toEqual(['title'])
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining(['/health', '/api/notes/{id}', '/api/openapi']),
    )
  })

  it('validates bodies, params and queries with 400 VALIDATION_FAILED naming the path', async () => {
    const call = await setup()
    const created = await call('/api/notes', json({ title: 'hi' }))
    expect(created.status).toBe(201)
    expect(await created.json()).toEqual({ id: 1, title: 'hi', tags: [] })

    const bad = await call('/api/notes', json({ title: '', tags: [1] }))
    expect(bad.status).toBe(400)
    const error = await errorOf(bad)
    expect(error.extensions.code).toBe('VALIDATION_FAILED')
    expect(error.message).toContain('title')
    expect(error.message).toContain('tags.0')

    expect((await errorOf(await call('/api/notes/abc'))).extensions.code).toBe('VALIDATION_FAILED')
    expect((await errorOf(await call('/api/notes/3?verbose=maybe'))).extensions.code).toBe(
      'VALIDATION_FAILED',
    )
    expect(await (await call('/api/notes/3?verbose=true')).json()).toEqual({ id: 3 })
  })

  it('answers malformed JSON with 400 INVALID_JSON and a wrong content type with 415', async () => {
    const call = await setup()
    const res = await call('/api/notes', json('{"title": '))
    expect(res.status).toBe(400)
    expect((await errorOf(res)).extensions.code).toBe('INVALID_JSON')
    const text = await call('/api/notes', {
      method: 'POST',
      headers: { 'content-type': 'text/plain' },
      body: 'title=hi',
    })
    expect(text.status).toBe(415)
    expect((await errorOf(text)).extensions.code).toBe('UNSUPPORTED_MEDIA_TYPE')
  })

  it('answers oversized bodies with 413 PAYLOAD_TOO_LARGE', async () => {
    const call = await setup({ http: { bodyLimit: 1024 } })
    const res = await call('/api/notes', json({ title: 'x'.repeat(2048) }))
    expect(res.status).toBe(413)
    expect((await errorOf(res)).extensions.code).toBe('PAYLOAD_TOO_LARGE')
  })

  it('answers unknown routes with 404 ROUTE_NOT_FOUND', async () => {
    const call = await setup()
    const res = await call('/api/nothing-here')
    expect(res.status).toBe(404)
    expect((await errorOf(res)).extensions.code).toBe('ROUTE_NOT_FOUND')
    expect((await call('/health', { method: 'DELETE' })).status).toBe(404)
  })

  it('hides internal errors: 500 INTERNAL_ERROR without stack or SQL', async () => {
    const call = await setup()
    const res = await call('/api/boom')
    expect(res.status).toBe(500)
    const text = await res.text()
    expect(text).not.toContain('secret_table')
    expect(text).not.toContain('at ')
    expect(JSON.parse(text).errors[0].extensions.code).toBe('INTERNAL_ERROR')
  })

  it('passes BacklexErrors through with their status and code', async () => {
    const call = await setup()
    const res = await call('/api/teapot')
    expect(res.status).toBe(418)
    expect(await errorOf(res)).toEqual({
      message: 'I am a teapot.',
      extensions: { code: 'TEAPOT' },
    })
  })

  it('gives every request a context: request id, workspace main, principal', async () => {
    const call = await setup()
    const anonymous = await (
      await call('/api/whoami', { headers: { 'x-request-id': 'req-42' } })
    ).json()
    expect(anonymous).toEqual({
      workspace: 'main',
      requestId: 'req-42',
      principal: { type: 'anonymous', id: null, userId: null, roles: ['public'], admin: false },
    })
    const ada = await (await call('/api/whoami', { headers: { 'x-test-user': 'ada' } })).json()
    expect(ada.principal).toMatchObject({ type: 'user', id: 'u1', roles: ['authenticated'] })
    const weird = await call('/api/whoami', { headers: { 'x-request-id': 'bad id with spaces' } })
    expect((await weird.json()).requestId).toMatch(/^[0-9a-f-]{36}$/)
  })

  it('mounts raw Hono sub-apps and lists every route', async () => {
    const h = await harness(dialect)
    const app = h.kernel([notes()])
    await app.boot()
    const res = await app.fetch(new Request('http://local/api/raw/ping'))
    expect(await res.text()).toBe('pong')
    expect(app.routes().map((r) => `${r.method} ${r.path}`)).toEqual(
      expect.arrayContaining([
        'GET /health',
        'GET /api/openapi',
        'POST /api/notes',
        'GET /api/raw/ping',
      ]),
    )
  })

  it('keeps CORS and request-id headers on errors raised while resolving the principal', async () => {
    const h = await harness(dialect)
    const strict = definePlugin({
      name: '@test/strict-auth',
      version: '1.0.0',
      register(ctx) {
        ctx.contribute(PrincipalResolvers, ({ request }) => {
          if (request.headers.get('authorization') === 'Bearer revoked') {
            throw new BacklexError('INVALID_API_KEY', 401, 'This API key is revoked.')
          }
          return null
        })
        ctx.route(
          defineRoute({
            method: 'get',
            path: '/where',
            handler: ({ ctx }) => ({ clientAddress: ctx.clientAddress }),
          }),
        )
      },
    })
    const app = h.kernel([strict()], {
      http: { cors: { origin: 'https://app.example.com' } },
      runtime: { name: 'test', capabilities: [], clientAddress: () => '203.0.113.9' },
    })
    await app.boot()
    const res = await app.fetch(
      new Request('http://local/api/where', {
        headers: { origin: 'https://app.example.com', authorization: 'Bearer revoked' },
      }),
    )
    expect(res.status).toBe(401)
    expect(res.headers.get('access-control-allow-origin')).toBe('https://app.example.com')
    expect(res.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/)
    expect((await errorOf(res)).extensions.code).toBe('INVALID_API_KEY')

    const ok = await app.fetch(new Request('http://local/api/where'))
    expect(await ok.json()).toEqual({ clientAddress: '203.0.113.9' })
  })

  it('without CORS, answers principal errors with the request id and logs with it', async () => {
    const h = await harness(dialect)
    const lines: Record<string, unknown>[] = []
    const capture = (bindings: Record<string, unknown>): LoggerAdapter => {
      const write = (msg: string, fields?: Record<string, unknown>) =>
        lines.push({ msg, ...bindings, ...fields })
      return {
        debug: write,
        info: write,
        warn: write,
        error: write,
        child: (more) => capture({ ...bindings, ...more }),
      }
    }
    const logging = definePlugin({
      name: '@test/logging',
      version: '1.0.0',
      register(ctx) {
        ctx.contribute(PrincipalResolvers, ({ request }) => {
          if (request.headers.get('authorization') === 'Bearer revoked') {
            throw new BacklexError('INVALID_API_KEY', 401, 'This API key is revoked.')
          }
          return null
        })
        ctx.route(
          defineRoute({
            method: 'get',
            path: '/logged',
            handler: ({ ctx }) => {
              const logger = ctx.logger
              logger.info('handled', { n: 1 })
              // One logger per request: the same one on every read.
              return { ok: logger === ctx.logger }
            },
          }),
        )
      },
    })
    const app = h.kernel([logging()], { logger: capture({}) })
    await app.boot()
    const refused = await app.fetch(
      new Request('http://local/api/logged', {
        headers: { authorization: 'Bearer revoked', 'x-request-id': 'req-7' },
      }),
    )
    expect(refused.status).toBe(401)
    expect(refused.headers.get('x-request-id')).toBe('req-7')
    expect((await errorOf(refused)).extensions.code).toBe('INVALID_API_KEY')
    const res = await app.fetch(
      new Request('http://local/api/logged', { headers: { 'x-request-id': 'req-8' } }),
    )
    expect(await res.json()).toEqual({ ok: true })
    expect(res.headers.get('x-request-id')).toBe('req-8')
    expect(lines).toContainEqual({ msg: 'handled', requestId: 'req-8', n: 1 })
    const bad = await app.fetch(new Request('http://local/api/logged?q=%00'))
    expect(bad.status).toBe(400)
    expect((await errorOf(bad)).extensions.code).toBe('INVALID_TEXT')
  })
})
