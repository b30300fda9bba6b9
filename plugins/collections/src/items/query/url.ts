// Reads a query string into nested values, accepting Directus's two spellings: JSON values
// (`filter={"a":{"_eq":1}}`) and brackets (`filter[a][_eq]=1`, `fields[]=a`, `deep[author][_limit]=1`).
import { ItemsErrors } from '../errors.js'

/** A value read from a query string: a string, a list, or a nested object. */
export type QueryValue = string | QueryValue[] | { [key: string]: QueryValue }

const MAX_PARAMS = 500
const MAX_DEPTH = 16
// Keys that would reach an object's prototype if anything ever assigned them naively.
const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype'])
const SEGMENT = /\[([^[\]]*)\]/g

function splitKey(key: string): string[] {
  const open = key.indexOf('[')
  if (open <= 0) return [key]
  const head = key.slice(0, open)
  const rest = key.slice(open)
  const segments = [head]
  let consumed = 0
  for (const match of rest.matchAll(SEGMENT)) {
    if (match.index !== consumed) break
    segments.push(match[1] ?? '')
    consumed += match[0].length
  }
  // `a[b]x` or `a[b`: not bracket syntax we understand.
  if (consumed !== rest.length) {
    throw ItemsErrors.INVALID_QUERY(key, 'malformed brackets; write e.g. filter[field][_eq]=1')
  }
  return segments
}

const isObject = (value: QueryValue | undefined): value is { [key: string]: QueryValue } =>
  typeof value === 'object' && value !== null && !Array.isArray(value)

function assign(target: { [key: string]: QueryValue }, path: string[], value: string, key: string) {
  let node = target
  for (let i = 0; i < path.length; i++) {
    const segment = path[i] as string
    const last = i === path.length - 1
    const next = path[i + 1]
    if (FORBIDDEN_KEYS.has(segment))
      throw ItemsErrors.INVALID_QUERY(key, `"${segment}" is not allowed`)
    if (last) {
      const current = node[segment]
      if (current === undefined) node[segment] = value
      else if (Array.isArray(current)) current.push(value)
      else if (typeof current === 'string') node[segment] = [current, value]
      else throw ItemsErrors.INVALID_QUERY(key, 'given both as a value and as an object')
      return
    }
    if (next === '') {
      // `a[]=x`: append to the list at `a`.
      if (i + 1 !== path.length - 1) {
        throw ItemsErrors.INVALID_QUERY(key, '`[]` may only end a parameter name')
      }
      const current = node[segment]
      if (current === undefined) node[segment] = [value]
      else if (Array.isArray(current)) current.push(value)
      else if (typeof current === 'string') node[segment] = [current, value]
      else throw ItemsErrors.INVALID_QUERY(key, 'given both as a list and as an object')
      return
    }
    const current = node[segment]
    if (current === undefined) {
      const child: { [key: string]: QueryValue } = Object.create(null)
      node[segment] = child
      node = child
    } else if (isObject(current)) {
      node = current
    } else {
      throw ItemsErrors.INVALID_QUERY(key, 'given both as a value and as an object')
    }
  }
}

/**
 * Turns URL search parameters into nested values: `a[b][c]=1` -> `{ a: { b: { c: '1' } } }`,
 * `a[]=1&a[]=2` and `a=1&a=2` -> `{ a: ['1', '2'] }`. Values stay strings; JSON is read later.
 * @example
 * readQueryString(new URLSearchParams('filter[views][_gt]=10&fields[]=id&fields[]=title'))
 * // { filter: { views: { _gt: '10' } }, fields: ['id', 'title'] }
 */
export function readQueryString(params: URLSearchParams): { [key: string]: QueryValue } {
  const out: { [key: string]: QueryValue } = Object.create(null)
  let count = 0
  for (const [key, value] of params) {
    if (++count > MAX_PARAMS) {
      throw ItemsErrors.INVALID_QUERY('', `more than ${MAX_PARAMS} query parameters`)
    }
    const path = splitKey(key)
    if (path.length > MAX_DEPTH) {
      throw ItemsErrors.INVALID_QUERY(key, `nested more than ${MAX_DEPTH} levels deep`)
    }
    if (path[0] === '') throw ItemsErrors.INVALID_QUERY(key, 'empty parameter name')
    assign(out, path, value, key)
  }
  return out
}
