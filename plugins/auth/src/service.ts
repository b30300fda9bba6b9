// The Auth service: better-auth, the role, API key and user stores, and the principal
// resolver that turns a request into the caller the kernel sees.
import {
  type BacklexError,
  type ClockAdapter,
  type DatabaseAdapter,
  DEFAULT_WORKSPACE,
  type EmailAdapter,
  isBacklexError,
  type LoggerAdapter,
  type PubSubAdapter,
  type ResolvedConfig,
} from '@backlex/kernel'
import { sql } from 'kysely'
import { createApiKeyInvalidation } from './api-keys/invalidation.js'
import { createApiKeyPrincipalCache } from './api-keys/principal-cache.js'
import { bearerApiKey } from './api-keys/secret.js'
import { createApiKeyStore } from './api-keys/store.js'
import { createBetterAuth } from './better-auth.js'
import type { AuthService } from './contract.js'
import { AuthErrors } from './errors.js'
import type { ResolvedAuthOptions } from './options.js'
import { assertTrustedOrigin, isWrite } from './origin-check.js'
import { resolvePublicURL } from './public-url.js'
import { createRoleStore } from './roles/store.js'
import { createUserStore } from './users/store.js'

const SESSION_COOKIE = /(?:^|;\s*)(?:__Secure-)?backlex\.session_token=/

function randomSecret(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(32))
  return btoa(String.fromCharCode(...bytes))
}

function resolveSecret(ctx: AuthServiceDeps, options: ResolvedAuthOptions): string {
  const fromEnv = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process
    ?.env?.AUTH_SECRET
  const secret = options.secret ?? (fromEnv && fromEnv.length >= 32 ? fromEnv : undefined)
  if (secret) return secret
  if (!ctx.config.dev) throw AuthErrors.SECRET_REQUIRED()
  ctx.logger.warn(
    'AUTH_SECRET is not set: using a random secret, so sessions end when the server restarts. Set it before deploying.',
  )
  return randomSecret()
}

/** The service plus what the plugin's lifecycle drives. */
export interface AuthRuntime extends AuthService {
  /** Listens for API key changes made on other instances. */
  start(): Promise<void>
  stop(): Promise<void>
}

/** The first BacklexError in `error`'s cause chain, if any. */
function backlexErrorIn(error: unknown): BacklexError | undefined {
  for (let current = error, depth = 0; current && depth < 8; depth++) {
    if (isBacklexError(current)) return current
    current = (current as { cause?: unknown }).cause
  }
  return undefined
}

/** What the service is built from: the kernel's services the plugin declared, and its config. */
export interface AuthServiceDeps {
  database: DatabaseAdapter
  clock: ClockAdapter
  pubsub: PubSubAdapter
  /** Absent without an Email plugin: magic link and OTP are then off. */
  email: EmailAdapter | undefined
  logger: LoggerAdapter
  config: ResolvedConfig
}

export function createAuthService(ctx: AuthServiceDeps, options: ResolvedAuthOptions): AuthRuntime {
  const { database, clock, email } = ctx
  const cache = createApiKeyPrincipalCache({
    ttlMs: options.apiKeyCache.ttlSeconds * 1000,
    maxEntries: options.apiKeyCache.maxEntries,
  })
  const invalidation = createApiKeyInvalidation({
    cache,
    pubsub: ctx.pubsub,
    logger: ctx.logger,
  })
  const roles = createRoleStore(database, invalidation)
  const apiKeys = createApiKeyStore({
    database,
    roles,
    now: () => clock.now(),
    cache,
    invalidation,
  })
  const users = createUserStore(database, roles)
  // Before anything else: a link-emailing flow without a public URL must fail the boot.
  const publicURL = resolvePublicURL(ctx.config, options, email !== undefined)
  const betterAuth = createBetterAuth({
    database,
    options,
    secret: resolveSecret(ctx, options),
    logger: ctx.logger,
    email,
    ownOrigins: options.baseURL ? undefined : publicURL.ownOrigins,
    defaultWorkspace: DEFAULT_WORKSPACE,
    onUserCreated: async (userId, workspace) => {
      const role = await roles.assignSignUpRole(workspace, userId)
      ctx.logger.info('user signed up', { userId, workspace, role })
    },
    // Their keys are deleted with them (foreign key); drop the ones resolved already.
    onUserDeleted: (userId) => invalidation.changed({ userId }),
  })

  /** The adapter's error when the database cannot be reached right now, else undefined. */
  const databaseOutage = async (): Promise<BacklexError | undefined> => {
    try {
      await sql`select 1`.execute(database.db)
      return undefined
    } catch (error) {
      return backlexErrorIn(error)
    }
  }

  const isTrustedOrigin = async (origin: string, request: Request) => {
    const own = publicURL.ownOrigins()
    // Without a public URL, better-auth trusts the request's own origin (as a browser on the
    // server's site sends it); a cross-site page cannot change the Host its victim's browser sends.
    if (own.length > 0 ? own.includes(origin) : origin === new URL(request.url).origin) return true
    return (await betterAuth.$context).isTrustedOrigin(origin)
  }

  return {
    betterAuth,
    roles,
    apiKeys,
    users,
    canSendEmail: email !== undefined,
    publicOrigin: publicURL.origin,
    isTrustedOrigin,
    start: () => invalidation.start(),
    stop: () => invalidation.stop(),
    async resolvePrincipal(request, workspace) {
      const authorization = request.headers.get('authorization')
      const key = bearerApiKey(authorization)
      if (key) return apiKeys.authenticate(key, workspace)
      const hasBearer = authorization !== null && /^bearer\s+\S/i.test(authorization)
      if (!hasBearer && !SESSION_COOKIE.test(request.headers.get('cookie') ?? '')) return null
      // With a bearer token, only the token counts: better-auth would fall back to the cookie
      // when the token is bad, and a cookie the browser attached must not pass as a bearer.
      let headers = request.headers
      if (hasBearer) {
        headers = new Headers(request.headers)
        headers.delete('cookie')
      }
      const found = await betterAuth.api.getSession({ headers }).catch(async (error: unknown) => {
        // better-auth answers any failure of its database with a bare 500 ("Failed to get
        // session"): when the database is unreachable, say so (503 DATABASE_UNAVAILABLE).
        throw backlexErrorIn(error) ?? (await databaseOutage()) ?? error
      })
      if (!found) return null
      // The browser attached the cookie on its own: a write must come from a trusted origin.
      // A bearer token is sent only by code that holds it, which a foreign page does not.
      if (!hasBearer && isWrite(request)) {
        await assertTrustedOrigin(request, (origin) => isTrustedOrigin(origin, request))
      }
      const held = await roles.rolesOf(workspace, found.user.id)
      return {
        type: 'user',
        id: found.user.id,
        userId: found.user.id,
        roles: held,
        admin: held.includes('admin'),
        attributes: { email: found.user.email, name: found.user.name },
      }
    },
  }
}
