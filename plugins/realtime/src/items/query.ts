// The query of an items subscription: `filter` and `fields` in the items query language
// (JSON values or brackets: `filter[status][_eq]=published`, `fields=id,title`), and the
// position to resume from (`Last-Event-ID`, or `lastEventId` for clients that cannot set it).
import { RealtimeErrors } from '../errors.js'

export interface SubscriptionQuery {
  /** The filter as given (an object, or a JSON string), for parseFilter. */
  filter?: unknown
  /** Field names; undefined: every field the caller may read. */
  fields?: string[]
}

type Nested = { [key: string]: Nested | string }

const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype'])
const MAX_PARAMS = 200

/** `filter[a][_in][]=1` -> ['a', '_in', ''] */
function bracketPath(key: string): string[] | undefined {
  const match = /^filter((?:\[[^[\]]*\])+)$/.exec(key)
  if (!match?.[1]) return undefined
  return [...match[1].matchAll(/\[([^[\]]*)\]/g)].map((m) => m[1] ?? '')
}

function assign(target: Nested, path: string[], value: string, key: string): void {
  let node: Nested = target
  for (let i = 0; i < path.length; i++) {
    const segment = path[i] as string
    if (FORBIDDEN_KEYS.has(segment))
      throw RealtimeErrors.INVALID_QUERY(key, `"${segment}" is not allowed`)
    const last = i === path.length - 1
    if (path[i + 1] === '' && i + 1 === path.length - 1) {
      // `a[]=x`: a list, kept as an object of indexes and turned into an array below.
      const list = node[segment] ?? (Object.create(null) as Nested)
      node[segment] = list
      if (typeof list === 'string') throw RealtimeErrors.INVALID_QUERY(key, 'given twice')
      list[String(Object.keys(list).length)] = value
      return
    }
    if (segment === '') throw RealtimeErrors.INVALID_QUERY(key, '`[]` may only end a parameter')
    if (last) {
      if (node[segment] !== undefined) throw RealtimeErrors.INVALID_QUERY(key, 'given twice')
      node[segment] = value
      return
    }
    const child = node[segment] ?? (Object.create(null) as Nested)
    node[segment] = child
    if (typeof child === 'string')
      throw RealtimeErrors.INVALID_QUERY(key, 'given as a value and as an object')
    node = child
  }
}

/** Objects whose keys are 0..n-1 (from `[]`) become arrays. */
function toPlain(node: Nested | string): unknown {
  if (typeof node === 'string') return node
  const keys = Object.keys(node)
  if (keys.length > 0 && keys.every((k, i) => k === String(i)))
    return keys.map((k) => toPlain(node[k] as Nested))
  const out: Record<string, unknown> = {}
  for (const k of keys) out[k] = toPlain(node[k] as Nested)
  return out
}

function readFields(values: string[]): string[] {
  const out: string[] = []
  for (const value of values) {
    const trimmed = value.trim()
    if (trimmed.startsWith('[')) {
      let parsed: unknown
      try {
        parsed = JSON.parse(trimmed)
      } catch {
        throw RealtimeErrors.INVALID_QUERY('fields', 'not valid JSON')
      }
      if (!Array.isArray(parsed) || !parsed.every((f) => typeof f === 'string'))
        throw RealtimeErrors.INVALID_QUERY('fields', 'expected a list of field names')
      out.push(...parsed)
    } else out.push(...trimmed.split(','))
  }
  return out.map((f) => f.trim()).filter((f) => f !== '')
}

/**
 * Reads the subscription's query from a URL.
 * @example
 * readSubscriptionQuery(new URL('http://x/?filter[status][_eq]=published&fields=id,title'))
 * // { filter: { status: { _eq: 'published' } }, fields: ['id', 'title'] }
 */
export function readSubscriptionQuery(params: URLSearchParams): SubscriptionQuery {
  const query: SubscriptionQuery = {}
  const brackets: Nested = Object.create(null)
  let bracketCount = 0
  const fields: string[] = []
  let count = 0
  for (const [key, value] of params) {
    if (++count > MAX_PARAMS)
      throw RealtimeErrors.INVALID_QUERY('', `more than ${MAX_PARAMS} parameters`)
    if (key === 'filter') {
      if (query.filter !== undefined) throw RealtimeErrors.INVALID_QUERY('filter', 'given twice')
      query.filter = value
    } else if (key === 'fields' || key === 'fields[]') fields.push(value)
    else if (key.startsWith('filter[')) {
      const path = bracketPath(key)
      if (!path)
        throw RealtimeErrors.INVALID_QUERY(
          key,
          'malformed brackets; write filter[field][_eq]=value',
        )
      assign(brackets, path, value, key)
      bracketCount++
    } else if (key !== 'lastEventId') {
      throw RealtimeErrors.INVALID_QUERY(
        key,
        'unknown parameter; use filter, fields or lastEventId',
      )
    }
  }
  if (bracketCount > 0) {
    if (query.filter !== undefined)
      throw RealtimeErrors.INVALID_QUERY('filter', 'given both as JSON and with brackets')
    query.filter = toPlain(brackets)
  }
  if (fields.length > 0) {
    const list = readFields(fields)
    if (!list.includes('*')) query.fields = [...new Set(list)]
  }
  return query
}

/**
 * The event number to resume after: the `Last-Event-ID` header EventSource sends on reconnect,
 * else the `lastEventId` query parameter. Undefined for a fresh subscription; NaN when malformed.
 */
export function resumePosition(request: Request, params: URLSearchParams): number | undefined {
  const raw = request.headers.get('last-event-id') ?? params.get('lastEventId')
  if (raw === null || raw.trim() === '') return undefined
  return /^\d{1,15}$/.test(raw.trim()) ? Number(raw.trim()) : Number.NaN
}
