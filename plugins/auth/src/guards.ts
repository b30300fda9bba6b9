// Who may call what: shared by routes and tools so both answer the same way.
import type { Principal } from '@backlex/kernel'
import { AuthErrors } from './errors.js'

/** Admins only: 401 for anonymous callers, 403 for others and for read-only keys on writes. */
export function requireAdmin(principal: Principal, write: boolean): void {
  if (principal.type === 'system') return
  if (principal.type === 'anonymous') throw AuthErrors.UNAUTHORIZED()
  if (!principal.admin) throw AuthErrors.ADMIN_ONLY()
  if (write && principal.scopes?.readOnly) throw AuthErrors.READ_ONLY_KEY()
}
