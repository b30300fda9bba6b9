// The per-request context every route, tool and hook receives, and the Hono environment
// that carries it.
import type { Context } from 'hono'
import type { RequestContext } from './plugin-api.js'

export type { RequestContext }

/** The Hono environment of backlex apps: `c.get('backlex')` is the request context. */
export interface BacklexEnv {
  Variables: { backlex: RequestContext }
}

/** The request context of a Hono context inside a backlex app. */
export function getRequestContext(c: Context<BacklexEnv>): RequestContext {
  return c.get('backlex')
}
