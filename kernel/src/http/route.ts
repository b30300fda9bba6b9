// Routes declared with zod schemas: the same schemas validate requests and describe
// the route in /api/openapi, so the document can never drift from the code.
import type { Context } from 'hono'
import type { z } from 'zod'
import type { BacklexEnv, RequestContext } from '../context.js'
import { KernelErrors } from '../errors.js'
import type { Scope } from '../plugin-api.js'
import { zodIssues } from '../validation.js'
import type { RouteEffect } from './request-guards.js'

export type HttpMethod = 'get' | 'post' | 'put' | 'patch' | 'delete'

type Schema = z.ZodType
type Out<S> = S extends Schema ? z.output<S> : undefined

export interface RouteInput<P, Q, B> {
  params: Out<P>
  query: Out<Q>
  body: Out<B>
  ctx: RequestContext
  c: Context<BacklexEnv>
}

export interface RouteDefinition<
  P extends Schema | undefined = Schema | undefined,
  Q extends Schema | undefined = Schema | undefined,
  B extends Schema | undefined = Schema | undefined,
  R extends Schema | undefined = Schema | undefined,
> {
  method: HttpMethod
  /** Hono path syntax (`/greetings/:name`), under `/api` unless `root` is set. */
  path: string
  /** Mount at the server root instead of under `/api` (e.g. `/mcp`). */
  root?: boolean
  summary?: string
  description?: string
  tags?: string[]
  params?: P
  query?: Q
  /** JSON request body. */
  body?: B
  /** JSON response body, documented in OpenAPI. */
  response?: R
  /** Success status (default 200). */
  status?: number
  /**
   * What the route does to data. Without it, GET/HEAD/OPTIONS read and every other method
   * writes; writes are refused to read-only principals before the handler runs. Declare
   * `'read'` only for a non-GET route that changes nothing, or that enforces read-only itself
   * for the parts that do (as GraphQL does for mutations and MCP for write tools).
   */
  effect?: RouteEffect
  /** Returns the JSON response body, or a Response for anything else. */
  handler(input: RouteInput<P, Q, B>): Promise<Out<R> | Response> | Out<R> | Response
}

/**
 * Declares a route; register it with `ctx.route(...)`.
 * @example
 * ctx.route(defineRoute({
 *   method: 'get', path: '/greetings/:name', summary: 'Greet someone',
 *   params: z.object({ name: z.string().min(1) }),
 *   response: z.object({ greeting: z.string() }),
 *   handler: ({ params }) => ({ greeting: `Hello, ${params.name}` }),
 * }))
 */
export function defineRoute<
  P extends Schema | undefined = undefined,
  Q extends Schema | undefined = undefined,
  B extends Schema | undefined = undefined,
  R extends Schema | undefined = undefined,
>(route: RouteDefinition<P, Q, B, R>): RouteDefinition<P, Q, B, R> {
  return route
}

/** A registered route: its definition, the plugin it belongs to and its full path. */
export interface RouteRecord {
  plugin: string
  method: string
  /** Full Hono path, e.g. `/api/greetings/:name`. */
  fullPath: string
  definition?: RouteDefinition
  /** The declared effect of a mounted sub-app's route (defined routes carry theirs). */
  effect?: RouteEffect | undefined
}

function validate<S extends Schema>(schema: S, value: unknown, where: string): z.output<S> {
  const result = schema.safeParse(value)
  if (!result.success) throw KernelErrors.VALIDATION_FAILED(where, zodIssues(result.error))
  return result.data
}

async function readJsonBody(c: Context<BacklexEnv>): Promise<unknown> {
  const text = await c.req.text()
  if (text.trim() === '') return undefined
  const type = c.req.header('content-type') ?? ''
  if (!/^application\/([a-z.+-]*\+)?json\b/i.test(type)) {
    throw KernelErrors.UNSUPPORTED_MEDIA_TYPE('application/json')
  }
  try {
    return JSON.parse(text) as unknown
  } catch {
    throw KernelErrors.INVALID_JSON()
  }
}

/** Gives the request context the scope of the plugin whose route or sub-app serves it. */
export function enterScope(context: RequestContext, scope: Scope): void {
  const writable = context as { plugin: string; use: Scope['use'] }
  writable.plugin = scope.plugin
  writable.use = scope.use
}

/** Wraps a route definition into a Hono handler that validates, runs and serialises. */
export function toHonoHandler(route: RouteDefinition, scope: Scope) {
  return async (c: Context<BacklexEnv>): Promise<Response> => {
    enterScope(c.get('backlex'), scope)
    const params = route.params
      ? validate(route.params, c.req.param(), 'path parameters')
      : undefined
    const query = route.query ? validate(route.query, c.req.query(), 'query') : undefined
    const body = route.body ? validate(route.body, await readJsonBody(c), 'body') : undefined
    const result = await route.handler({ params, query, body, ctx: c.get('backlex'), c } as never)
    if (result instanceof Response) return result
    const status = (route.status ?? 200) as 200
    if (status === (204 as number)) return c.body(null, 204)
    return c.json(result ?? null, status)
  }
}
