// Checks every request passes before any route runs: text that no database stores faithfully
// (NUL, invalid UTF-8, unpaired surrogates), JSON nested past a fixed depth, and writes by
// read-only principals. One place, so a plugin route cannot forget them.
import type { Context, MiddlewareHandler } from 'hono'
import type { BacklexEnv } from '../context.js'
import { KernelErrors } from '../errors.js'
import type { RouteEffect } from '../plugin-api.js'

/** JSON bodies nested deeper than this are refused (recursive code overflows near 5,000). */
export const MAX_JSON_DEPTH = 128

export type { RouteEffect }

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS'])

/** The effect of a request when its route declares none: safe methods read, the rest write. */
export const effectOfMethod = (method: string): RouteEffect =>
  SAFE_METHODS.has(method.toUpperCase()) ? 'read' : 'write'

const fatalUtf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true })

/** True when `text` holds a NUL or an unpaired surrogate. */
export const hasUnsafeText = (text: string): boolean =>
  text.includes('\0') || !(text as string & { isWellFormed(): boolean }).isWellFormed()

const PERCENT_RUN = /(?:%[0-9a-f]{2})+/gi

/**
 * Throws INVALID_TEXT when the percent-encoded bytes of the path or query decode to a NUL or
 * are not UTF-8. A `%` not followed by two hex digits is left alone, as routers leave it.
 */
export function checkUrlText(url: string): void {
  const start = url.indexOf('/', url.indexOf('//') + 2)
  // Clients percent-encode everything but ASCII: without a `%` there is nothing a decoder
  // could turn into NUL or broken UTF-8.
  if (start < 0 || url.indexOf('%', start) < 0) return
  for (const [run] of url.slice(start).matchAll(PERCENT_RUN)) {
    let decoded: string
    try {
      decoded = decodeURIComponent(run)
    } catch {
      throw KernelErrors.INVALID_TEXT('url', 'percent-encoded bytes that are not UTF-8')
    }
    if (decoded.includes('\0')) throw KernelErrors.INVALID_TEXT('url', 'a NUL character')
  }
}

/**
 * Walks a parsed JSON value without recursion: every string (keys too) must be clean text and
 * no container may nest deeper than MAX_JSON_DEPTH.
 */
export function checkJsonValue(value: unknown): void {
  const stack: { value: unknown; depth: number }[] = [{ value, depth: 0 }]
  for (let next = stack.pop(); next; next = stack.pop()) {
    const current = next.value
    if (typeof current === 'string') {
      if (hasUnsafeText(current))
        throw KernelErrors.INVALID_TEXT('body', 'a NUL character or an unpaired surrogate')
      continue
    }
    if (typeof current !== 'object' || current === null) continue
    const depth = next.depth + 1
    if (depth > MAX_JSON_DEPTH) throw KernelErrors.JSON_TOO_DEEP(MAX_JSON_DEPTH)
    if (Array.isArray(current)) {
      for (const item of current) stack.push({ value: item, depth })
      continue
    }
    for (const [key, item] of Object.entries(current)) {
      if (hasUnsafeText(key))
        throw KernelErrors.INVALID_TEXT('body', 'a NUL character or an unpaired surrogate')
      stack.push({ value: item, depth })
    }
  }
}

const JSON_TYPE = /^application\/([a-z.+-]*\+)?json\b/i
const TEXT_TYPE = /^(text\/|application\/x-www-form-urlencoded\b)/i

/**
 * Reads a JSON or text body once, refuses bad text in it, and hands routes a fresh copy of the
 * same bytes (`c.req.raw` may be read again by mounted apps such as better-auth or MCP).
 * Bodies that are not valid JSON are left for the route to refuse with its own error.
 */
async function checkBody(c: Context<BacklexEnv>): Promise<void> {
  const type = c.req.header('content-type') ?? ''
  const json = JSON_TYPE.test(type)
  if (!json && !TEXT_TYPE.test(type)) return
  const raw = c.req.raw
  if (!raw.body) return
  const bytes = await raw.arrayBuffer()
  c.req.raw = new Request(raw, { body: bytes })
  let text: string
  try {
    text = fatalUtf8.decode(bytes)
  } catch {
    throw KernelErrors.INVALID_TEXT('body', 'bytes that are not UTF-8')
  }
  if (!json) {
    if (hasUnsafeText(text)) throw KernelErrors.INVALID_TEXT('body', 'a NUL character')
    return
  }
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch {
    return
  }
  checkJsonValue(value)
}

/** Refuses bad text in the URL and in JSON/text bodies with 400 INVALID_TEXT / JSON_TOO_DEEP. */
export const refuseUnsafeInput: MiddlewareHandler<BacklexEnv> = async (c, next) => {
  checkUrlText(c.req.url)
  if (!SAFE_METHODS.has(c.req.method)) await checkBody(c)
  await next()
}

/**
 * Refuses a write to a read-only principal (an API key created with `readOnly`), admins
 * included: 403 READ_ONLY_KEY before the route runs. `effect` is the route's declared effect;
 * without one, the method decides.
 */
export function refuseReadOnlyWrites(effect?: RouteEffect): MiddlewareHandler<BacklexEnv> {
  return async (c, next) => {
    if (
      c.get('backlex').principal.scopes?.readOnly &&
      (effect ?? effectOfMethod(c.req.method)) === 'write'
    ) {
      throw KernelErrors.READ_ONLY_KEY()
    }
    await next()
  }
}
