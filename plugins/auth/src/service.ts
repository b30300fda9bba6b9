// The Auth service: better-auth, the role, API key and user stores, and the principal
// resolver that turns a request into the caller the kernel sees.
import {
  type BootContext,
  Clock,
  Database,
  DEFAULT_WORKSPACE,
  defineService,
  Email,
  type Principal,
  PubSub,
} from '@backlex/kernel'
import { createApiKeyInvalidation } from './api-keys/invalidation.js'
import { createApiKeyPrincipalCache } from './api-keys/principal-cache.js'
import { bearerApiKey } from './api-keys/secret.js'
import { type ApiKeyStore, createApiKeyStore } from './api-keys/store.js'
import { type BetterAuthInstance, createBetterAuth } from './better-auth.js'
import { AuthErrors } from './errors.js'
import type { ResolvedAuthOptions } from './options.js'
import { createRoleStore, type RoleStore } from './roles/store.js'
import { createUserStore, type UserStore } from './users/store.js'

export interface AuthService {
  /** better-auth's request handler and server API (`getSession`). */
  readonly betterAuth: BetterAuthInstance
  readonly roles: RoleStore
  readonly apiKeys: ApiKeyStore
  readonly users: UserStore
  /** Whether an Email service is installed (magic link and OTP need one). */
  readonly canSendEmail: boolean
  /**
   * The caller of a request: an API key (`Authorization: Bearer blx_...`), else a better-auth
   * session (cookie or bearer token), else null. Throws INVALID_API_KEY for a bad key.
   */
  resolvePrincipal(request: Request, workspace: string): Promise<Principal | null>
}

/**
 * The Auth service token, for plugins that need users, roles or API keys.
 * @example
 * const auth = ctx.get(Auth)
 * const roles = await auth.roles.rolesOf('main', userId)
 */
export const Auth = defineService<AuthService>('backlex.auth')

const SESSION_COOKIE = /(?:^|;\s*)(?:__Secure-)?backlex\.session_token=/

function randomSecret(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(32))
  return btoa(String.fromCharCode(...bytes))
}

function resolveSecret(ctx: BootContext, options: ResolvedAuthOptions): string {
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

export function createAuthService(ctx: BootContext, options: ResolvedAuthOptions): AuthRuntime {
  const database = ctx.get(Database)
  const clock = ctx.get(Clock)
  const email = ctx.tryGet(Email)
  const cache = createApiKeyPrincipalCache({
    ttlMs: options.apiKeyCache.ttlSeconds * 1000,
    maxEntries: options.apiKeyCache.maxEntries,
  })
  const invalidation = createApiKeyInvalidation({
    cache,
    pubsub: ctx.get(PubSub),
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
  const betterAuth = createBetterAuth({
    database,
    options,
    secret: resolveSecret(ctx, options),
    logger: ctx.logger,
    email,
    defaultWorkspace: DEFAULT_WORKSPACE,
    onUserCreated: async (userId, workspace) => {
      const role = await roles.assignSignUpRole(workspace, userId)
      ctx.logger.info('user signed up', { userId, workspace, role })
    },
    // Their keys are deleted with them (foreign key); drop the ones resolved already.
    onUserDeleted: (userId) => invalidation.changed({ userId }),
  })

  return {
    betterAuth,
    roles,
    apiKeys,
    users,
    canSendEmail: email !== undefined,
    start: () => invalidation.start(),
    stop: () => invalidation.stop(),
    async resolvePrincipal(request, workspace) {
      const authorization = request.headers.get('authorization')
      const key = bearerApiKey(authorization)
      if (key) return apiKeys.authenticate(key, workspace)
      const hasBearer = authorization !== null && /^bearer\s+\S/i.test(authorization)
      if (!hasBearer && !SESSION_COOKIE.test(request.headers.get('cookie') ?? '')) return null
      const found = await betterAuth.api.getSession({ headers: request.headers })
      if (!found) return null
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
