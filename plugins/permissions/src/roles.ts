// Built-in roles and the roles a principal effectively holds.
import type { Principal } from '@backlex/kernel'

/** Held by everyone, anonymous callers included: signing in never takes access away. */
export const PUBLIC_ROLE = 'public'
/** Held by every signed-in user and API key. */
export const AUTHENTICATED_ROLE = 'authenticated'
/** Bypasses every rule. */
export const ADMIN_ROLE = 'admin'

/** Role names: what permissions are keyed by. */
export const ROLE_NAME = /^[a-z][a-z0-9_-]{0,62}$/

/**
 * True for admins: the admin flag, the `admin` role, or the system principal.
 * @example
 * if (!isAdmin(ctx.principal)) throw PermissionsErrors.FORBIDDEN()
 */
export function isAdmin(principal: Principal): boolean {
  return principal.admin || principal.type === 'system' || principal.roles.includes(ADMIN_ROLE)
}

/**
 * The roles whose permissions apply to a principal, in precedence order: its own roles first
 * (they win when presets conflict), then `authenticated` for signed-in callers, then `public`.
 * @example
 * effectiveRoles(anonymousPrincipal) // ['public']
 */
export function effectiveRoles(principal: Principal): string[] {
  if (principal.type === 'anonymous') return [PUBLIC_ROLE]
  const roles = new Set(principal.roles)
  roles.add(AUTHENTICATED_ROLE)
  roles.add(PUBLIC_ROLE)
  return [...roles]
}
