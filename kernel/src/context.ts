// The per-request context every route, tool and hook receives.
import type { Context } from 'hono'
import type { LoggerAdapter } from './contracts/logger.js'
import type { KernelHandle } from './kernel-handle.js'
import type { Principal } from './principal.js'

export interface RequestContext {
  requestId: string
  logger: LoggerAdapter
  workspace: string
  principal: Principal
  /** The client's IP address as the runtime sees it (the socket peer; not X-Forwarded-For), or null. */
  clientAddress: string | null
  kernel: KernelHandle
  /** Keeps the runtime alive for background work after the response (Workers' waitUntil). */
  waitUntil(promise: Promise<unknown>): void
}

/** The Hono environment of backlex apps: `c.get('backlex')` is the request context. */
export interface BacklexEnv {
  Variables: { backlex: RequestContext }
}

/** The request context of a Hono context inside a backlex app. */
export function getRequestContext(c: Context<BacklexEnv>): RequestContext {
  return c.get('backlex')
}
