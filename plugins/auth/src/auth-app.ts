// The Hono sub-app mounted at /api/auth: rate limits, then better-auth's handler, with its
// error bodies turned into backlex's error envelope. Also `GET /api/auth/principal`.
import { type BacklexEnv, errorBody, Kv } from '@backlex/kernel'
import { type Context, Hono } from 'hono'
import { INTERNAL_HEADERS } from './better-auth.js'
import { Auth } from './contract.js'
import { AuthErrors } from './errors.js'
import type { ResolvedAuthOptions } from './options.js'
import { clientAddress, consumeRateLimit, RATE_LIMITED_PATHS } from './rate-limit.js'

const BASE_PATH = '/api/auth'

/** better-auth answers `{ code, message }`; backlex clients read `{ errors: [...] }`. */
async function toErrorEnvelope(response: Response): Promise<Response> {
  if (response.status < 400) return response
  if (!(response.headers.get('content-type') ?? '').includes('application/json')) return response
  let body: unknown
  try {
    body = await response.clone().json()
  } catch {
    return response
  }
  if (!body || typeof body !== 'object' || Array.isArray(body)) return response
  const { code, message } = body as { code?: unknown; message?: unknown }
  let envelope: { code: string; message: string }
  if (response.status >= 500 && code !== 'EMAIL_SEND_FAILED' && code !== 'EMAIL_NOT_CONFIGURED') {
    // Never pass an internal failure's text on to the client.
    envelope = { code: 'INTERNAL_ERROR', message: 'Internal server error.' }
  } else {
    envelope = {
      code:
        code === 'VALIDATION_ERROR'
          ? 'VALIDATION_FAILED'
          : typeof code === 'string'
            ? code
            : `HTTP_${response.status}`,
      message: typeof message === 'string' && message ? message : response.statusText,
    }
  }
  const headers = new Headers(response.headers)
  headers.delete('content-length')
  return new Response(
    JSON.stringify({
      errors: [{ message: envelope.message, extensions: { code: envelope.code } }],
    }),
    { status: response.status, headers },
  )
}

/**
 * The request better-auth handles. Without a `baseURL` it takes its URL, and so its links, from
 * the request: in dev the request is readdressed to the listening address, so a forged `Host`
 * never reaches an email (outside dev, a link-emailing flow needs `baseURL` to boot).
 */
function forBetterAuth(raw: Request, headers: Headers, origin: string | undefined): Request {
  if (!origin) return new Request(raw, { headers })
  const { pathname, search } = new URL(raw.url)
  const hasBody = raw.method !== 'GET' && raw.method !== 'HEAD'
  const init: RequestInit & { duplex?: 'half' } = {
    method: raw.method,
    headers,
    signal: raw.signal,
    redirect: raw.redirect,
    ...(hasBody ? { body: raw.body, duplex: 'half' } : {}),
  }
  return new Request(`${origin}${pathname}${search}`, init)
}

export function createAuthApp(options: ResolvedAuthOptions): Hono<BacklexEnv> {
  const app = new Hono<BacklexEnv>()

  app.get('/principal', (c) => {
    const { type, id, userId, roles, admin, scopes } = c.get('backlex').principal
    return c.json({ data: { type, id, userId, roles, admin, scopes: scopes ?? null } })
  })

  const handle = async (c: Context<BacklexEnv>): Promise<Response> => {
    const ctx = c.get('backlex')
    const service = ctx.use(Auth)
    const address = clientAddress(c.req.raw, options, ctx.clientAddress)
    const group =
      c.req.method === 'POST' ? RATE_LIMITED_PATHS[c.req.path.slice(BASE_PATH.length)] : undefined
    if (group === 'email' && !service.canSendEmail) {
      return c.json(errorBody(AuthErrors.EMAIL_NOT_CONFIGURED()), 503)
    }
    if (group) {
      const verdict = await consumeRateLimit(ctx.use(Kv), options, group, address)
      if (!verdict.allowed) {
        return c.json(errorBody(AuthErrors.RATE_LIMITED(verdict.retryAfter)), 429, {
          'Retry-After': String(verdict.retryAfter),
        })
      }
    }
    // Hooks read the workspace and the client address from headers only this handler sets.
    const headers = new Headers(c.req.raw.headers)
    headers.set(INTERNAL_HEADERS.workspace, ctx.workspace)
    headers.delete(INTERNAL_HEADERS.clientIp)
    if (address) headers.set(INTERNAL_HEADERS.clientIp, address)
    const origin = options.baseURL ? undefined : service.publicOrigin()
    const response = await service.betterAuth.handler(forBetterAuth(c.req.raw, headers, origin))
    return toErrorEnvelope(response)
  }
  app.get('/*', handle)
  app.post('/*', handle)
  return app
}
