// Every way @backlex/auth can fail, in one place. Codes are stable; messages are for people.
import { BacklexError } from '@backlex/kernel'

export const AuthErrors = {
  // Configuration (operator errors, raised at boot)
  SECRET_REQUIRED: () =>
    new BacklexError(
      'AUTH_SECRET_REQUIRED',
      500,
      '@backlex/auth needs a secret outside dev mode: set the `secret` option or the AUTH_SECRET environment variable (e.g. `openssl rand -base64 32`).',
    ),
  BASE_URL_REQUIRED: (flows: string[]) =>
    new BacklexError(
      'AUTH_BASE_URL_REQUIRED',
      500,
      `@backlex/auth needs its public URL outside dev mode to build the links it emails (${flows.join(', ')}): set the \`baseURL\` option, e.g. \`auth({ baseURL: 'https://api.example.com' })\`. Links are never built from the request's Host header.`,
      { flows },
    ),
  EMAIL_NOT_CONFIGURED: () =>
    new BacklexError(
      'EMAIL_NOT_CONFIGURED',
      503,
      'Sign-in by email link or code needs an Email service: add consoleEmail() or smtpEmail() from @backlex/email.',
    ),
  EMAIL_SEND_FAILED: () =>
    new BacklexError('EMAIL_SEND_FAILED', 502, 'The email could not be sent. Try again later.'),

  // Requests
  UNAUTHORIZED: () =>
    new BacklexError('UNAUTHORIZED', 401, 'Sign in or send an API key to do this.'),
  ADMIN_ONLY: () => new BacklexError('FORBIDDEN', 403, 'Only an admin can do this.'),
  INVALID_API_KEY: () =>
    new BacklexError(
      'INVALID_API_KEY',
      401,
      'The API key in the Authorization header is unknown, revoked or expired.',
    ),
  READ_ONLY_KEY: () =>
    new BacklexError('READ_ONLY_KEY', 403, 'This API key is read-only and cannot change anything.'),
  TOOL_LIMITED_KEY: () =>
    new BacklexError(
      'TOOL_LIMITED_KEY',
      403,
      'This API key is limited to some tools and cannot manage API keys; use a session or an unrestricted key.',
    ),
  // Cookie-authenticated writes (CSRF); the codes better-auth answers on /api/auth/** too.
  MISSING_OR_NULL_ORIGIN: () =>
    new BacklexError(
      'MISSING_OR_NULL_ORIGIN',
      403,
      'A request signed in by session cookie that changes something must send an Origin (or Referer) header: send `Origin: <the server or app URL>`, or authenticate with a bearer token or API key.',
    ),
  INVALID_ORIGIN: (origin: string) =>
    new BacklexError(
      'INVALID_ORIGIN',
      403,
      `Origin "${origin}" is not trusted for requests signed in by session cookie: add it to the auth plugin's trustedOrigins.`,
      { origin },
    ),
  RATE_LIMITED: (retryAfterSeconds: number) =>
    new BacklexError(
      'RATE_LIMITED',
      429,
      `Too many requests. Try again in ${retryAfterSeconds} seconds.`,
      { retryAfter: retryAfterSeconds },
    ),
  ROLES_NOT_HELD: (roles: string[]) =>
    new BacklexError(
      'ROLES_NOT_HELD',
      400,
      `An API key can only carry roles its owner holds; not held: ${roles.join(', ')}.`,
      { roles },
    ),
  API_KEY_NOT_FOUND: (id: string) =>
    new BacklexError('API_KEY_NOT_FOUND', 404, `No API key "${id}".`, { id }),
  EXPIRY_IN_PAST: () =>
    new BacklexError('VALIDATION_FAILED', 400, 'Invalid body: expiresAt must be in the future.', {
      where: 'body',
      issues: [{ path: 'expiresAt', message: 'must be in the future' }],
    }),
  USER_NOT_FOUND: (id: string) =>
    new BacklexError('USER_NOT_FOUND', 404, `No user "${id}".`, { id }),
  ROLE_NOT_FOUND: (name: string) =>
    new BacklexError('ROLE_NOT_FOUND', 404, `No role "${name}".`, { role: name }),
  UNKNOWN_ROLES: (roles: string[]) =>
    new BacklexError('UNKNOWN_ROLES', 400, `These roles do not exist: ${roles.join(', ')}.`, {
      roles,
    }),
  ROLE_EXISTS: (name: string) =>
    new BacklexError('ROLE_EXISTS', 409, `A role named "${name}" already exists.`, { role: name }),
  ROLE_BUILT_IN: (name: string) =>
    new BacklexError('ROLE_BUILT_IN', 409, `"${name}" is a built-in role and cannot be deleted.`, {
      role: name,
    }),
  LAST_ADMIN: () =>
    new BacklexError(
      'LAST_ADMIN',
      409,
      'This would leave the workspace without an admin; give another user the admin role first.',
    ),
} as const

/** Every code @backlex/auth answers with (besides better-auth's own, passed through). */
export type AuthErrorCode = ReturnType<(typeof AuthErrors)[keyof typeof AuthErrors]>['code']
