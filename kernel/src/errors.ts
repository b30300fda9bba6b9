// Every way the kernel can fail, in one place. Each error carries a stable code that
// clients and tests match on; messages are for people and may change.
import type { ServiceToken } from './services.js'

/** One error class for all of backlex; `code` is stable, `status` is the HTTP status. */
export class BacklexError extends Error {
  override readonly name = 'BacklexError'
  constructor(
    readonly code: string,
    readonly status: number,
    message: string,
    /** Safe, client-visible details (e.g. the path of an invalid field). */
    readonly details?: Record<string, unknown>,
    /** `cause`: the underlying error, for logs and `--verbose`; never sent to clients. */
    options?: { cause?: unknown },
  ) {
    super(message, options)
  }
}

/** True for a BacklexError, also across duplicate copies of the kernel package. */
export function isBacklexError(error: unknown): error is BacklexError {
  return (
    error instanceof BacklexError ||
    (typeof error === 'object' &&
      error !== null &&
      (error as { name?: unknown }).name === 'BacklexError' &&
      typeof (error as { code?: unknown }).code === 'string' &&
      typeof (error as { status?: unknown }).status === 'number')
  )
}

const token = (t: ServiceToken<unknown>) => `"${t.id}"`

/** Error codes raised by the kernel. Every factory names the plugin involved. */
export const KernelErrors = {
  // Lifecycle and plugin graph (raised by boot(); status 500 because they are operator errors)
  MISSING_PROVIDER: (plugin: string, t: ServiceToken<unknown>) =>
    new BacklexError(
      'MISSING_PROVIDER',
      500,
      `Plugin "${plugin}" requires service ${token(t)}, but no installed plugin provides it.`,
      { plugin, service: t.id },
    ),
  DUPLICATE_PROVIDER: (plugin: string, other: string, t: ServiceToken<unknown>) =>
    new BacklexError(
      'DUPLICATE_PROVIDER',
      500,
      `Plugin "${plugin}" provides service ${token(t)}, which plugin "${other}" already provides.`,
      { plugin, other, service: t.id },
    ),
  DEPENDENCY_CYCLE: (path: string[]) =>
    new BacklexError(
      'DEPENDENCY_CYCLE',
      500,
      `Plugins depend on each other in a cycle: ${path.join(' -> ')}.`,
      { plugin: path[0], path },
    ),
  DUPLICATE_PLUGIN: (plugin: string) =>
    new BacklexError('DUPLICATE_PLUGIN', 500, `Plugin "${plugin}" is installed twice.`, { plugin }),
  DUPLICATE_ROUTE: (plugin: string, other: string, method: string, path: string) =>
    new BacklexError(
      'DUPLICATE_ROUTE',
      500,
      `Plugin "${plugin}" registers ${method} ${path}, which plugin "${other}" already registers.`,
      { plugin, other, method, path },
    ),
  DUPLICATE_TOOL: (plugin: string, other: string, tool: string) =>
    new BacklexError(
      'DUPLICATE_TOOL',
      500,
      `Plugin "${plugin}" registers tool "${tool}", which plugin "${other}" already registers.`,
      { plugin, other, tool },
    ),
  INVALID_PLUGIN: (plugin: string, reason: string) =>
    new BacklexError('INVALID_PLUGIN', 500, `Plugin "${plugin}" is invalid: ${reason}`, {
      plugin,
    }),
  INVALID_PLUGIN_OPTIONS: (plugin: string, issues: string) =>
    new BacklexError(
      'INVALID_PLUGIN_OPTIONS',
      500,
      `Plugin "${plugin}" has invalid options: ${issues}`,
      { plugin },
    ),
  KERNEL_VERSION_MISMATCH: (plugin: string, range: string, actual: string) =>
    new BacklexError(
      'KERNEL_VERSION_MISMATCH',
      500,
      `Plugin "${plugin}" needs kernel ${range}, but this is kernel ${actual}.`,
      { plugin, range, actual },
    ),
  MISSING_CAPABILITY: (plugin: string, capability: string, runtime: string) =>
    new BacklexError(
      'MISSING_CAPABILITY',
      500,
      `Plugin "${plugin}" needs the "${capability}" capability, which runtime "${runtime}" lacks.`,
      { plugin, capability, runtime },
    ),
  BOOT_TIMEOUT: (plugin: string, ms: number) =>
    new BacklexError('BOOT_TIMEOUT', 500, `Plugin "${plugin}" did not boot within ${ms} ms.`, {
      plugin,
      timeoutMs: ms,
    }),
  BOOT_FAILED: (plugin: string, cause: unknown) =>
    new BacklexError(
      'BOOT_FAILED',
      500,
      `Plugin "${plugin}" failed to boot: ${cause instanceof Error ? cause.message : String(cause)}`,
      { plugin },
      { cause },
    ),
  SERVICE_NOT_DECLARED: (plugin: string, t: ServiceToken<unknown>) =>
    new BacklexError(
      'SERVICE_NOT_DECLARED',
      500,
      `Plugin "${plugin}" asked for service ${token(t)} without listing it in requires or optional.`,
      { plugin, service: t.id },
    ),
  SERVICE_NOT_READY: (plugin: string, t: ServiceToken<unknown>) =>
    new BacklexError(
      'SERVICE_NOT_READY',
      500,
      `Plugin "${plugin}" asked for service ${token(t)} inside register(); services are available from boot on (call use() in hooks, handlers and factories).`,
      { plugin, service: t.id },
    ),
  SERVICE_UNAVAILABLE: (t: ServiceToken<unknown>) =>
    new BacklexError('SERVICE_UNAVAILABLE', 500, `No plugin provides service ${token(t)}.`, {
      service: t.id,
    }),
  REGISTER_PHASE_ONLY: (plugin: string, what: string) =>
    new BacklexError(
      'REGISTER_PHASE_ONLY',
      500,
      `Plugin "${plugin}" called ${what} after registration; declare it in register().`,
      { plugin },
    ),
  MIGRATION_FAILED: (plugin: string, migration: string, cause: unknown) =>
    new BacklexError(
      'MIGRATION_FAILED',
      500,
      `Migration "${migration}" of plugin "${plugin}" failed: ${cause instanceof Error ? cause.message : String(cause)}`,
      { plugin, migration },
      { cause },
    ),
  NO_DATABASE: (plugin: string) =>
    new BacklexError(
      'NO_DATABASE',
      500,
      `Plugin "${plugin}" has migrations, but no installed plugin provides the Database service.`,
      { plugin },
    ),

  // Requests (client errors)
  ROUTE_NOT_FOUND: (method: string, path: string) =>
    new BacklexError('ROUTE_NOT_FOUND', 404, `No route for ${method} ${path}.`),
  INVALID_JSON: () => new BacklexError('INVALID_JSON', 400, 'The request body is not valid JSON.'),
  /** Text no database stores faithfully: a NUL character, invalid UTF-8, an unpaired surrogate. */
  INVALID_TEXT: (where: 'url' | 'body', what: string) =>
    new BacklexError('INVALID_TEXT', 400, `The request ${where} contains ${what}.`, { where }),
  JSON_TOO_DEEP: (max: number) =>
    new BacklexError(
      'JSON_TOO_DEEP',
      400,
      `The request body nests objects or arrays more than ${max} levels deep.`,
      { max },
    ),
  UNSUPPORTED_MEDIA_TYPE: (expected: string) =>
    new BacklexError(
      'UNSUPPORTED_MEDIA_TYPE',
      415,
      `The request body must be sent as ${expected}.`,
    ),
  PAYLOAD_TOO_LARGE: (limit: number) =>
    new BacklexError(
      'PAYLOAD_TOO_LARGE',
      413,
      `The request body is larger than the limit of ${limit} bytes.`,
      { limit },
    ),
  VALIDATION_FAILED: (where: string, issues: { path: string; message: string }[]) =>
    new BacklexError(
      'VALIDATION_FAILED',
      400,
      `Invalid ${where}: ${issues.map((i) => (i.path ? `${i.path}: ${i.message}` : i.message)).join('; ')}`,
      { where, issues },
    ),
  FORBIDDEN: (message = 'You are not allowed to do this.') =>
    new BacklexError('FORBIDDEN', 403, message),
  UNAUTHORIZED: (message = 'Authentication is required.') =>
    new BacklexError('UNAUTHORIZED', 401, message),
  /** A read-only principal (an API key created with `readOnly`) asked for a write. */
  READ_ONLY_KEY: (tool?: string) =>
    new BacklexError(
      'READ_ONLY_KEY',
      403,
      tool
        ? `Tool "${tool}" changes data, and this API key is read-only.`
        : 'This API key is read-only and cannot change anything.',
      tool ? { tool } : undefined,
    ),
  TOOL_NOT_ALLOWED: (tool: string) =>
    new BacklexError(
      'TOOL_NOT_ALLOWED',
      403,
      `Tool "${tool}" is not in this API key's tool allowlist.`,
      { tool },
    ),
  TOOL_NOT_FOUND: (tool: string) =>
    new BacklexError('TOOL_NOT_FOUND', 404, `No tool named "${tool}".`, { tool }),
  INTERNAL: () => new BacklexError('INTERNAL_ERROR', 500, 'Internal server error.'),
  NOT_BOOTED: () => new BacklexError('NOT_BOOTED', 503, 'The server is starting or has shut down.'),
} as const

/** Every code the kernel can answer with. */
export type KernelErrorCode = ReturnType<(typeof KernelErrors)[keyof typeof KernelErrors]>['code']
