// CSRF protection for every route: a write signed in by the session cookie must come from a
// trusted origin. Bearer tokens and API keys are not sent by browsers on their own, so they
// are not checked.
import { AuthErrors } from './errors.js'

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS'])

/** Whether a request's method may change something (anything but GET, HEAD and OPTIONS). */
export function isWrite(request: Request): boolean {
  return !SAFE_METHODS.has(request.method.toUpperCase())
}

/** The origin the request claims: `Origin`, else the origin of `Referer`; null when neither. */
function claimedOrigin(request: Request): string | null {
  const origin = request.headers.get('origin')
  if (origin) return origin
  const referer = request.headers.get('referer')
  if (!referer) return null
  try {
    const parsed = new URL(referer).origin
    return parsed === 'null' ? null : parsed
  } catch {
    return null
  }
}

/**
 * Refuses a cookie-authenticated write whose `Origin` (or `Referer`) is missing, `null` or not
 * trusted: 403 MISSING_OR_NULL_ORIGIN or INVALID_ORIGIN, as better-auth answers on its routes.
 */
export async function assertTrustedOrigin(
  request: Request,
  isTrusted: (origin: string) => Promise<boolean> | boolean,
): Promise<void> {
  const origin = claimedOrigin(request)
  if (!origin || origin === 'null') throw AuthErrors.MISSING_OR_NULL_ORIGIN()
  if (!(await isTrusted(origin))) throw AuthErrors.INVALID_ORIGIN(origin.slice(0, 200))
}
