// Every way @backlex/permissions can fail, in one place. Codes are stable; messages may change.
import { BacklexError, KernelErrors } from '@backlex/kernel'

export const PermissionsErrors = {
  /** A filter (or validation rule) is malformed; `path` points at the offending key, e.g. `_and.0.title._eqq`. */
  INVALID_FILTER: (path: string, reason: string) =>
    new BacklexError(
      'INVALID_FILTER',
      400,
      path === '' ? `Invalid filter: ${reason}` : `Invalid filter at "${path}": ${reason}`,
      { path, reason },
    ),
  /** A permission is well-formed JSON but makes no sense (e.g. presets on a read rule). */
  INVALID_PERMISSION: (path: string, reason: string) =>
    new BacklexError('INVALID_PERMISSION', 400, `Invalid permission at "${path}": ${reason}`, {
      path,
      reason,
    }),
  PERMISSION_NOT_FOUND: (id: string) =>
    new BacklexError('PERMISSION_NOT_FOUND', 404, `No permission with id "${id}".`, { id }),
  /** One rule per (workspace, role, collection, action): edit the existing one instead. */
  PERMISSION_EXISTS: (role: string, collection: string, action: string, id: string) =>
    new BacklexError(
      'PERMISSION_EXISTS',
      409,
      `Role "${role}" already has a "${action}" permission on "${collection}" (id "${id}"); update it instead.`,
      { role, collection, action, id },
    ),
  /** The caller is anonymous and the operation needs a signed-in principal. */
  UNAUTHORIZED: () => KernelErrors.UNAUTHORIZED(),
  /** The caller is signed in but is not an admin. */
  FORBIDDEN: (message = 'Only admins can manage permissions.') => KernelErrors.FORBIDDEN(message),
  /** Programming error: a filter with relations was compiled without naming the outer table. */
  RELATION_NEEDS_TABLE: () =>
    new BacklexError(
      'FILTER_RELATION_NEEDS_TABLE',
      500,
      'A filter that follows relations must be compiled with the `table` option.',
    ),
} as const

/** Every code this package can answer with. */
export type PermissionsErrorCode = ReturnType<
  (typeof PermissionsErrors)[keyof typeof PermissionsErrors]
>['code']
