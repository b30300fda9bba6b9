// @backlex/auth/contract: the Auth token and the types of the service (users, roles, API keys).
// Types only besides the token: importing it pulls in none of the implementation (better-auth).
import { defineService, type Principal } from '@backlex/kernel'
import type { ApiKeyStore } from './api-keys/store.js'
import type { BetterAuthInstance } from './better-auth.js'
import type { RoleStore } from './roles/store.js'
import type { UserStore } from './users/store.js'

export type { ApiKeyScope } from './api-keys/principal-cache.js'
export type { ApiKey, ApiKeyGuards, CreateApiKeyInput } from './api-keys/schemas.js'
export type { ApiKeyStore } from './api-keys/store.js'
export type { AuthSession, BetterAuthInstance } from './better-auth.js'
export type { Role } from './roles/schemas.js'
export type { RoleStore } from './roles/store.js'
export type { UserSummary } from './users/schemas.js'
export type { UserStore } from './users/store.js'

export interface AuthService {
  /** better-auth's request handler and server API (`getSession`). */
  readonly betterAuth: BetterAuthInstance
  readonly roles: RoleStore
  readonly apiKeys: ApiKeyStore
  readonly users: UserStore
  /** Whether an Email service is installed (magic link and OTP need one). */
  readonly canSendEmail: boolean
  /**
   * The origin emailed links point to: the `baseURL` option, or in dev the listening address;
   * undefined when neither is known.
   */
  publicOrigin(): string | undefined
  /**
   * Whether `origin` may send cookie-authenticated writes: better-auth's trusted origins (the
   * `trustedOrigins` option and `baseURL`), the public origin, and without one the request's own.
   */
  isTrustedOrigin(origin: string, request: Request): Promise<boolean>
  /**
   * The caller of a request: an API key (`Authorization: Bearer blx_...`), else a better-auth
   * session (cookie or bearer token), else null. Throws INVALID_API_KEY for a bad key, and
   * MISSING_OR_NULL_ORIGIN / INVALID_ORIGIN for a write signed in by the session cookie that
   * does not come from a trusted origin.
   */
  resolvePrincipal(request: Request, workspace: string): Promise<Principal | null>
}

/**
 * The Auth service token, for plugins that need users, roles or API keys: list it in
 * `requires` (or `optional`) and resolve it with `ctx.use(Auth)`.
 * @example
 * const auth = ctx.use(Auth)
 * const roles = await auth.roles.rolesOf('main', userId)
 */
export const Auth = defineService<AuthService>('backlex.auth')
