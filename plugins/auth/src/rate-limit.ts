// Fixed-window rate limits on the auth endpoints that guess passwords, create users or send
// email, counted in the Kv service so every instance shares them.
import type { KvAdapter } from '@backlex/kernel'
import type { ResolvedAuthOptions } from './options.js'

export type RateLimitGroup = 'signIn' | 'signUp' | 'email'

/** Limited endpoints (POST, under /api/auth) and the group whose limit they share. */
export const RATE_LIMITED_PATHS: Readonly<Record<string, RateLimitGroup>> = {
  '/sign-in/email': 'signIn',
  '/sign-in/email-otp': 'signIn',
  '/email-otp/check-verification-otp': 'signIn',
  '/email-otp/verify-email': 'signIn',
  '/email-otp/reset-password': 'signIn',
  '/sign-up/email': 'signUp',
  '/sign-in/magic-link': 'email',
  '/email-otp/send-verification-otp': 'email',
  '/email-otp/request-password-reset': 'email',
  '/forget-password/email-otp': 'email',
}

/**
 * The client address: `clientIp()` first, then X-Forwarded-For when proxies are trusted, then
 * the socket peer the runtime reports (`peer`, the request context's clientAddress).
 */
export function clientAddress(
  request: Request,
  options: ResolvedAuthOptions,
  peer: string | null = null,
): string | null {
  const given = options.clientIp?.(request)
  if (given) return given
  if (options.trustProxy !== false) {
    const hops = options.trustProxy === true ? 1 : options.trustProxy
    const chain = (request.headers.get('x-forwarded-for') ?? '')
      .split(',')
      .map((part) => part.trim())
      .filter(Boolean)
    // Each trusted proxy appends the address it saw: the client is `hops` from the right.
    const address = chain[Math.max(0, chain.length - hops)]
    if (address) return address
  }
  return peer
}

export interface RateLimitVerdict {
  allowed: boolean
  /** Seconds until the window resets (when refused). */
  retryAfter: number
}

/**
 * Counts one request of `group` from `address`. Without an address (no trusted proxy, no
 * `clientIp`, and a runtime that does not report the peer), all clients share one counter.
 */
export async function consumeRateLimit(
  kv: KvAdapter,
  options: ResolvedAuthOptions,
  group: RateLimitGroup,
  address: string | null,
): Promise<RateLimitVerdict> {
  const limits = options.rateLimit
  if (!limits.enabled) return { allowed: true, retryAfter: 0 }
  const windowMs = limits.windowSeconds * 1000
  const key = `backlex:auth:rate:${group}:${address ?? '*'}`
  const { value, ttlMs } = await kv.increment(key, 1, { ttlMs: windowMs })
  if (value <= limits[group]) return { allowed: true, retryAfter: 0 }
  return { allowed: false, retryAfter: Math.max(1, Math.ceil((ttlMs ?? windowMs) / 1000)) }
}
