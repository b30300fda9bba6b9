// @backlex/auth: better-auth on the kernel's Database, API keys, users and roles. The token and
// the service's types alone are at `@backlex/auth/contract`.

export { API_KEYS_CHANGED_CHANNEL } from './api-keys/invalidation.js'
export type { ApiKeyScope } from './api-keys/principal-cache.js'
export {
  type ApiKey,
  type ApiKeyGuards,
  apiKeySchema,
  type CreateApiKeyInput,
} from './api-keys/schemas.js'
export { API_KEY_PREFIX, hashApiKeySecret } from './api-keys/secret.js'
export type { ApiKeyStore } from './api-keys/store.js'
export type { AuthSession, BetterAuthInstance } from './better-auth.js'
export { Auth, type AuthService } from './contract.js'
export { type AuthErrorCode, AuthErrors } from './errors.js'
export { migrations as authMigrations } from './migrations.js'
export { type AuthOptions, authOptions, type ClientIpResolver } from './options.js'
export { auth } from './plugin.js'
export { type Role, roleSchema } from './roles/schemas.js'
export { BUILT_IN_ROLES, DEFAULT_USER_ROLES, type RoleStore } from './roles/store.js'
export { TABLES as AUTH_TABLES } from './schema.js'
export { authTools } from './tools.js'
export { type UserSummary, userSchema } from './users/schemas.js'
export type { UserStore } from './users/store.js'
