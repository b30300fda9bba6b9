// The kernel's HTTP shell: request id, body limit, CORS, workspace and principal,
// then plugin routes; every error leaves as the JSON error envelope.
import { Hono, type MiddlewareHandler } from 'hono'
import { bodyLimit } from 'hono/body-limit'
import { cors } from 'hono/cors'
import { HTTPException } from 'hono/http-exception'
import type { BacklexEnv, RequestContext } from '../context.js'
import type { LoggerAdapter } from '../contracts/logger.js'
import { type BacklexError, isBacklexError, KernelErrors } from '../errors.js'
import type { KernelHandle, Scope } from '../plugin-api.js'
import {
  anonymousPrincipal,
  DEFAULT_WORKSPACE,
  type PrincipalResolver,
  type WorkspaceResolver,
} from '../principal.js'
import type { RuntimeInfo } from '../runtime.js'
import { type RouteEffect, refuseReadOnlyWrites, refuseUnsafeInput } from './request-guards.js'
import { enterScope, type RouteRecord, toHonoHandler } from './route.js'

export interface Mount {
  plugin: string
  fullPath: string
  // biome-ignore lint/suspicious/noExplicitAny: sub-apps may declare any env
  app: Hono<any, any, any>
  /** Declared effect of every route of the sub-app; without it, the method decides. */
  effect?: RouteEffect | undefined
}

export interface HttpAppOptions {
  kernel: KernelHandle
  logger: LoggerAdapter
  /** The scope of a plugin: its routes and sub-apps see it as `ctx.use`. */
  scope: (plugin: string) => Scope
  routes: readonly RouteRecord[]
  mounts: readonly Mount[]
  principalResolvers: () => readonly PrincipalResolver[]
  workspaceResolvers: () => readonly WorkspaceResolver[]
  bodyLimit: number
  cors?: { origin: string | string[]; credentials?: boolean }
  clientAddress?: RuntimeInfo['clientAddress']
}

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/

/** The JSON error envelope: `{ "errors": [{ "message", "extensions": { "code" } }] }`. */
export function errorBody(error: BacklexError) {
  return {
    errors: [{ message: error.message, extensions: { code: error.code, ...error.details } }],
  }
}

function codeForStatus(status: number): BacklexError {
  if (status === 413) return KernelErrors.PAYLOAD_TOO_LARGE(0)
  if (status === 401) return KernelErrors.UNAUTHORIZED()
  if (status === 403) return KernelErrors.FORBIDDEN()
  return KernelErrors.INTERNAL()
}

/** Before a route or sub-app claims the request, no plugin's services are in reach. */
const UNROUTED = '(unrouted request)'

export function createHttpApp(options: HttpAppOptions): Hono<BacklexEnv> {
  const { kernel, logger } = options
  const app = new Hono<BacklexEnv>()
  const unrouted = options.scope(UNROUTED)

  app.onError((error, c) => {
    let known: BacklexError
    if (isBacklexError(error)) known = error
    else if (error instanceof HTTPException && error.status < 500)
      known = codeForStatus(error.status)
    else {
      const requestId = c.get('backlex')?.requestId
      logger.error('unhandled error', {
        requestId,
        error: error instanceof Error ? error.message : String(error),
        stack: error instanceof Error ? error.stack : undefined,
      })
      known = KernelErrors.INTERNAL()
    }
    if (known.status >= 500 && isBacklexError(error)) {
      logger.error(known.message, { code: known.code, requestId: c.get('backlex')?.requestId })
    }
    return c.json(errorBody(known), known.status as 400)
  })

  app.notFound((c) => {
    const error = KernelErrors.ROUTE_NOT_FOUND(c.req.method, new URL(c.req.url).pathname)
    return c.json(errorBody(error), 404)
  })

  // 1. Request context: id (echoed on every response, errors included), workspace, client address.
  app.use('*', async (c, next) => {
    const incoming = c.req.header('x-request-id')
    const requestId = incoming && REQUEST_ID.test(incoming) ? incoming : crypto.randomUUID()
    c.header('x-request-id', requestId)
    // Looked up only when used: Hono throws on Node, where there is no execution context and
    // background promises simply run.
    const waitUntil: RequestContext['waitUntil'] = (promise) => {
      try {
        c.executionCtx.waitUntil(promise)
      } catch {
        // Not on Workers.
      }
    }
    let workspace = DEFAULT_WORKSPACE
    for (const resolve of options.workspaceResolvers()) {
      const found = resolve(c.req.raw)
      if (found) {
        workspace = found
        break
      }
    }
    c.set('backlex', {
      requestId,
      workspace,
      principal: anonymousPrincipal,
      clientAddress: options.clientAddress?.(c.req.raw, c.env) ?? null,
      plugin: unrouted.plugin,
      use: unrouted.use,
      kernel,
      logger: logger.child({ requestId }),
      waitUntil,
    })
    await next()
  })

  // 2. CORS before authentication, so a browser can read a 401 as well as a 200.
  if (options.cors) {
    app.use(
      '*',
      cors({ origin: options.cors.origin, credentials: options.cors.credentials ?? false }),
    )
  }

  // 3. The principal: the first resolver with an answer wins; none means anonymous.
  app.use('*', async (c, next) => {
    const context = c.get('backlex')
    for (const resolve of options.principalResolvers()) {
      const principal = await resolve({ request: c.req.raw, workspace: context.workspace })
      if (principal) {
        context.principal = principal
        break
      }
    }
    await next()
  })

  const limit = options.bodyLimit
  const limitBody = bodyLimit({
    maxSize: limit,
    onError: () => {
      throw KernelErrors.PAYLOAD_TOO_LARGE(limit)
    },
  })
  // GET and HEAD requests cannot carry a body (Fetch), and asking for it makes Node adapters
  // build a full Request on every read: about 5% of a one-item read's time.
  app.use('*', (c, next) =>
    c.req.method === 'GET' || c.req.method === 'HEAD' ? next() : limitBody(c, next),
  )

  // 4. Input no database stores faithfully is refused here, for every route and mount.
  app.use('*', refuseUnsafeInput)

  // 5. Routes, each behind the read-only check of its declared effect.
  for (const route of options.routes) {
    const definition = route.definition
    if (definition)
      app.on(
        route.method,
        route.fullPath,
        refuseReadOnlyWrites(definition.effect),
        toHonoHandler(definition, options.scope(route.plugin)),
      )
  }
  for (const mount of options.mounts) {
    const guard = refuseReadOnlyWrites(mount.effect)
    const scope = options.scope(mount.plugin)
    const scoped: MiddlewareHandler<BacklexEnv> = (c, next) => {
      enterScope(c.get('backlex'), scope)
      return guard(c, next)
    }
    app.use(mount.fullPath, scoped)
    app.use(`${mount.fullPath}/*`, scoped)
    app.route(mount.fullPath, mount.app)
  }
  return app
}
