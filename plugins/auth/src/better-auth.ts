// better-auth configured for backlex: the kernel's Database through Kysely, backlex_auth_*
// tables, bearer tokens, magic link and email OTP through the Email service.
import type { DatabaseAdapter, EmailAdapter, LoggerAdapter } from '@backlex/kernel'
import { betterAuth } from 'better-auth'
import { APIError } from 'better-auth/api'
import { bearer } from 'better-auth/plugins/bearer'
import { emailOTP } from 'better-auth/plugins/email-otp'
import { magicLink } from 'better-auth/plugins/magic-link'
import { magicLinkEmail, otpEmail } from './emails.js'
import type { ResolvedAuthOptions } from './options.js'
import { betterAuthModels } from './schema.js'

/** Headers the auth handler sets itself (incoming values are dropped): never trust a client's. */
export const INTERNAL_HEADERS = {
  workspace: 'x-backlex-workspace',
  clientIp: 'x-backlex-client-ip',
} as const

/** A session as better-auth returns it, reduced to what backlex reads. */
export interface AuthSession {
  session: { id: string; userId: string; expiresAt: Date | string }
  user: { id: string; name: string; email: string; emailVerified: boolean }
}

/**
 * The part of a better-auth instance backlex uses, in backlex's own types: a narrow type keeps
 * type-checking fast, and better-auth's option types name other runtimes' modules (`bun:sqlite`)
 * that a user's strict `tsc` without `skipLibCheck` cannot resolve.
 */
export interface BetterAuthInstance {
  /**
   * The options better-auth was created with (e.g. for better-auth's `getMigrations`), opaque
   * here for the reason above.
   */
  readonly options: Readonly<Record<string, unknown>>
  handler(request: Request): Promise<Response>
  api: { getSession(input: { headers: Headers }): Promise<AuthSession | null> }
  /** better-auth's context: the trusted origins it checks `Origin` and callback URLs against. */
  $context: Promise<{ isTrustedOrigin(url: string): boolean }>
}

export interface BetterAuthDeps {
  database: DatabaseAdapter
  options: ResolvedAuthOptions
  secret: string
  logger: LoggerAdapter
  email: EmailAdapter | undefined
  /**
   * This server's origins when they are known only once it listens (dev without `baseURL`):
   * trusted besides `trustedOrigins`, asked on each request.
   */
  ownOrigins?: (() => string[]) | undefined
  /** Called once per new user, with the workspace of the sign-up request. */
  onUserCreated(userId: string, workspace: string): Promise<void>
  /** Called once a user is deleted (after the transaction), in every workspace. */
  onUserDeleted(userId: string): Promise<void>
  defaultWorkspace: string
}

type HookContext = { headers?: Headers | undefined; request?: Request | undefined } | null

function workspaceOf(context: HookContext, fallback: string): string {
  return (
    context?.headers?.get(INTERNAL_HEADERS.workspace) ??
    context?.request?.headers.get(INTERNAL_HEADERS.workspace) ??
    fallback
  )
}

/**
 * Creates the better-auth instance. Its own rate limiter is off: @backlex/auth limits through
 * the Kv service instead, so limits hold across instances.
 */
export function createBetterAuth(deps: BetterAuthDeps): BetterAuthInstance {
  const { options, logger, ownOrigins } = deps
  const send = async (message: { to: string; subject: string; text: string; html: string }) => {
    if (!deps.email) throw new APIError('SERVICE_UNAVAILABLE', { code: 'EMAIL_NOT_CONFIGURED' })
    try {
      await deps.email.send({
        ...message,
        ...(options.emailFrom ? { from: options.emailFrom } : {}),
      })
    } catch (error) {
      logger.error('auth email failed', {
        error: error instanceof Error ? error.message : String(error),
      })
      throw new APIError('BAD_GATEWAY', {
        code: 'EMAIL_SEND_FAILED',
        message: 'The email could not be sent. Try again later.',
      })
    }
  }
  const plugins = [
    bearer(),
    ...(options.magicLink
      ? [
          magicLink({
            storeToken: 'hashed',
            sendMagicLink: ({ email, url }) => send(magicLinkEmail(options.appName, email, url)),
          }),
        ]
      : []),
    ...(options.emailOtp
      ? [
          emailOTP({
            storeOTP: 'hashed',
            sendVerificationOTP: ({ email, otp, type }) =>
              send(otpEmail(options.appName, email, otp, type)),
          }),
        ]
      : []),
  ]
  const auth = betterAuth({
    appName: options.appName,
    ...(options.baseURL ? { baseURL: options.baseURL } : {}),
    basePath: '/api/auth',
    secret: deps.secret,
    trustedOrigins: ownOrigins
      ? async () => [...options.trustedOrigins, ...ownOrigins()]
      : options.trustedOrigins,
    database: { db: deps.database.db, type: deps.database.dialect },
    ...betterAuthModels,
    session: { ...betterAuthModels.session, expiresIn: options.sessionExpiresIn },
    emailAndPassword: {
      enabled: true,
      minPasswordLength: options.minPasswordLength,
      // A reset (email-otp/reset-password) ends every session of the user: one stolen with
      // the old password must not outlive it.
      revokeSessionsOnPasswordReset: true,
    },
    rateLimit: { enabled: false },
    telemetry: { enabled: false },
    advanced: {
      cookiePrefix: 'backlex',
      // Explicit, because better-auth's defaults turn origin checks off when NODE_ENV is `test`.
      disableOriginCheck: false,
      disableCSRFCheck: false,
      ipAddress: { ipAddressHeaders: [INTERNAL_HEADERS.clientIp] },
    },
    logger: {
      log: (level, message, ...args) => {
        const fields = args.length > 0 ? { details: args.map(String) } : undefined
        logger[level](`better-auth: ${message}`, fields)
      },
    },
    databaseHooks: {
      user: {
        create: {
          after: async (user, context) => {
            await deps.onUserCreated(user.id, workspaceOf(context, deps.defaultWorkspace))
          },
        },
        delete: {
          after: async (user) => {
            await deps.onUserDeleted(user.id)
          },
        },
      },
    },
    plugins,
  })
  return auth as unknown as BetterAuthInstance
}
