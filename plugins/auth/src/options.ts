// The options of the auth() plugin, validated at boot.
import { z } from 'zod'

/** Picks the client address of a request (e.g. from the socket, given by a runtime preset). */
export type ClientIpResolver = (request: Request) => string | null | undefined

const rateRule = (max: number) => z.number().int().positive().default(max)

export const authOptions = z.object({
  /**
   * Signs sessions and tokens; at least 32 characters. Defaults to the AUTH_SECRET
   * environment variable. Required outside dev mode; in dev a random one is generated.
   */
  secret: z.string().min(32, 'must be at least 32 characters').optional(),
  /**
   * Public URL of the server, e.g. `https://api.example.com`: every emailed link (magic link)
   * points to it, never to the request's Host. Required outside dev when such a link can be
   * emailed (boot fails with AUTH_BASE_URL_REQUIRED); in dev it defaults to the listening address.
   */
  baseURL: z.url().optional(),
  /**
   * Other origins (browser apps) allowed to send cookie-authenticated writes, to `/api/auth/**`
   * and every other route; the server's own origin (`baseURL`) is always allowed.
   */
  trustedOrigins: z.array(z.string().min(1)).default([]),
  /** Name shown in emails. */
  appName: z.string().min(1).default('backlex'),
  /** Sender of sign-in emails; defaults to the Email adapter's sender. */
  emailFrom: z.string().min(3).optional(),
  /** Shortest accepted password. */
  minPasswordLength: z.number().int().min(8).max(128).default(8),
  /** Session lifetime in seconds (default 7 days). */
  sessionExpiresIn: z
    .number()
    .int()
    .positive()
    .default(60 * 60 * 24 * 7),
  /** Sign-in by emailed link (`/api/auth/sign-in/magic-link`). */
  magicLink: z.boolean().default(true),
  /** Sign-in by emailed one-time code (`/api/auth/email-otp/...`). */
  emailOtp: z.boolean().default(true),
  /**
   * Read the client address from `X-Forwarded-For` (rate limits, sessions). `true` trusts one
   * proxy hop (the right-most entry); a number trusts that many hops. Only set it behind a proxy
   * that appends to the header, or clients can pick their own address.
   */
  trustProxy: z.union([z.boolean(), z.number().int().min(1).max(16)]).default(false),
  /** Overrides how the client address is found; wins over `trustProxy`. */
  clientIp: z
    .custom<ClientIpResolver>((value) => typeof value === 'function', 'must be a function')
    .optional(),
  /** Requests per window and client address, per route group; through the Kv service. */
  rateLimit: z
    .object({
      enabled: z.boolean().default(true),
      windowSeconds: z.number().int().positive().default(60),
      /** Email + password and email-code sign-ins. */
      signIn: rateRule(10),
      signUp: rateRule(5),
      /** Requests that send an email: magic link, one-time code. */
      email: rateRule(5),
    })
    .prefault({}),
  /**
   * Resolved API keys are remembered per instance for `ttlSeconds` (0: never), so most
   * requests skip the key and role queries. Revoking a key, changing its guards or its owner's
   * roles drops it at once here and, through PubSub, on the other instances.
   */
  apiKeyCache: z
    .object({
      ttlSeconds: z.number().min(0).max(300).default(5),
      /** Most keys remembered; the least recently used one goes first. */
      maxEntries: z.number().int().positive().max(1_000_000).default(5000),
    })
    .prefault({}),
})

export type AuthOptions = z.input<typeof authOptions>
export type ResolvedAuthOptions = z.output<typeof authOptions>
