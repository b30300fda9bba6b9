// The server's public URL: emailed links are built from it, never from the request's Host, and
// its origin is trusted for cookie-authenticated writes.
import type { ResolvedConfig } from '@backlex/kernel'
import { AuthErrors } from './errors.js'
import type { ResolvedAuthOptions } from './options.js'

/** The server's public URL, as its origin (`https://api.example.com`). */
export interface PublicURL {
  /** Where emailed links point; undefined when not known (outside dev, no link is emailed). */
  origin(): string | undefined
  /**
   * The origins that are this server, trusted with cookie-authenticated writes: the public
   * origin and, for a loopback address in dev, its other loopback names (a browser on
   * `http://localhost:3000` reaches a server listening on `http://127.0.0.1:3000`).
   */
  ownOrigins(): string[]
}

/**
 * The enabled flows whose emails carry a link back to the server. One-time codes carry none,
 * and nothing is emailed without an Email service.
 */
export function linkEmailingFlows(options: ResolvedAuthOptions, canSendEmail: boolean): string[] {
  if (!canSendEmail) return []
  return options.magicLink ? ['magicLink'] : []
}

const LOOPBACK = ['localhost', '127.0.0.1', '[::1]']

function loopbackAliases(origin: string): string[] {
  const url = new URL(origin)
  if (!LOOPBACK.includes(url.hostname)) return [origin]
  const port = url.port ? `:${url.port}` : ''
  return LOOPBACK.map((host) => `${url.protocol}//${host}${port}`)
}

/**
 * The configured `baseURL`; in dev without one, the address the server listens on (from the
 * runtime preset). Outside dev, a flow that emails links without a `baseURL` fails the boot
 * (AUTH_BASE_URL_REQUIRED); with no such flow, better-auth keeps taking its URL from requests.
 */
export function resolvePublicURL(
  config: Pick<ResolvedConfig, 'dev' | 'runtime'>,
  options: ResolvedAuthOptions,
  canSendEmail: boolean,
): PublicURL {
  if (options.baseURL) {
    const origin = new URL(options.baseURL).origin
    return { origin: () => origin, ownOrigins: () => [origin] }
  }
  if (!config.dev) {
    const flows = linkEmailingFlows(options, canSendEmail)
    if (flows.length > 0) throw AuthErrors.BASE_URL_REQUIRED(flows)
    return { origin: () => undefined, ownOrigins: () => [] }
  }
  const listening = config.runtime.listenURL
  const origin = () => {
    const url = listening?.()
    return url ? new URL(url).origin : undefined
  }
  return {
    origin,
    ownOrigins: () => {
      const current = origin()
      return current ? loopbackAliases(current) : []
    },
  }
}
