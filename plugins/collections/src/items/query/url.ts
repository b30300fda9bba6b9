// Reads a query string into nested values, accepting Directus's two spellings: JSON values
// (`filter={"a":{"_eq":1}}`) and brackets (`filter[a][_eq]=1`, `fields[]=a`, `fields[0]=a`,
// `filter[_or][0][a][_eq]=1`, `deep[author][_limit]=1`), lists as the `qs` library reads them.
import { ITEMS_QUERY_LIMITS } from '../../contract.js'
import { ItemsErrors } from '../errors.js'

/** A value read from a query string: a string, a list, or a nested object. */
export type QueryValue = string | QueryValue[] | { [key: string]: QueryValue }

const MAX_PARAMS = ITEMS_QUERY_LIMITS.maxParameters
const MAX_DEPTH = ITEMS_QUERY_LIMITS.maxBracketDepth
// Keys that would reach an object's prototype if anything ever assigned them naively.
const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype'])
const SEGMENT = /\[([^[\]]*)\]/g
/** A list position: `0`, `7`, `99999999` (no sign, no leading zero), as `qs` reads one. */
const INDEX = /^(0|[1-9]\d*)$/

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

/**
 * A node while the parameters are read: named children (`a[b]`, `a[0]`) and values appended
 * in order (`a=1&a=2`, `a[]=1`). Which of list or object it is is decided once every parameter
 * is in, so indices can come in any order and a huge one allocates nothing.
 */
interface Branch {
  readonly children: Map<string, Branch | string>
  readonly appended: string[]
  /** The parameter that made this a branch, for error messages. */
  readonly key: string
}

const branch = (key: string): Branch => ({ children: new Map(), appended: [], key })

function assign(root: Branch, path: string[], value: string, key: string) {
  let node = root
  for (let i = 0; i < path.length; i++) {
    const segment = path[i] as string
    const last = i === path.length - 1
    if (FORBIDDEN_KEYS.has(segment))
      throw ItemsErrors.INVALID_QUERY(key, `"${segment}" is not allowed`)
    if (segment === '') {
      // `a[]=x`: append to the list at `a`.
      if (!last) {
        throw ItemsErrors.INVALID_QUERY(
          key,
          '`[]` may only end a parameter name; number the items instead, e.g. filter[_or][0][field][_eq]=1',
        )
      }
      node.appended.push(value)
      return
    }
    const current = node.children.get(segment)
    if (last) {
      if (current === undefined) node.children.set(segment, value)
      else if (typeof current !== 'string') current.appended.push(value)
      else if (i > 0 && INDEX.test(segment)) {
        throw ItemsErrors.INVALID_QUERY(key, 'this list position is given twice')
      } else {
        // `a=1&a=2`: a value given twice becomes a list.
        const list = branch(key)
        list.appended.push(current, value)
        node.children.set(segment, list)
      }
      return
    }
    if (current === undefined) {
      const child = branch(key)
      node.children.set(segment, child)
      node = child
    } else if (typeof current !== 'string') {
      // Lists and objects mixed (`a[]=1&a[b]=2`) are refused when the node is settled.
      node = current
    } else if (path[i + 1] === '') {
      // `a=1&a[]=2`: the plain value is the list's first item.
      const list = branch(key)
      list.appended.push(current)
      node.children.set(segment, list)
      node = list
    } else {
      throw ItemsErrors.INVALID_QUERY(key, 'given both as a value and as an object')
    }
  }
}

/** Orders list positions as numbers, without turning a 30-digit position into a float. */
const byIndex = (a: string, b: string) => a.length - b.length || (a < b ? -1 : a > b ? 1 : 0)

/**
 * A finished node: a list when every child is a position (in position order, gaps closed, then
 * the appended values), else an object; positions and names mixed stay an object, as in `qs`,
 * which the parameter's own reader then refuses with its message.
 */
function settle(node: Branch): QueryValue {
  const names = [...node.children.keys()]
  const value = (child: Branch | string): QueryValue =>
    typeof child === 'string' ? child : settle(child)
  if (names.every((name) => INDEX.test(name))) {
    const items = names.sort(byIndex).map((name) => value(node.children.get(name) as Branch))
    return [...items, ...node.appended]
  }
  if (node.appended.length > 0) {
    throw ItemsErrors.INVALID_QUERY(node.key, 'given both as a list and as an object')
  }
  const out: { [key: string]: QueryValue } = Object.create(null)
  for (const name of names) out[name] = value(node.children.get(name) as Branch)
  return out
}

/** The parameter a key belongs to: `filter` for `filter[a][_eq]`. */
function nameOf(key: string): string {
  const open = key.indexOf('[')
  return open === -1 ? key : key.slice(0, open)
}

/**
 * Turns URL search parameters into nested values: `a[b][c]=1` -> `{ a: { b: { c: '1' } } }`;
 * `a[]=1&a[]=2`, `a=1&a=2` and `a[0]=1&a[1]=2` -> `{ a: ['1', '2'] }`. Values stay strings; JSON
 * is read later. Parameters named in `ignore` are skipped (and counted).
 * @example
 * readQueryString(new URLSearchParams('filter[_or][0][views][_gt]=10&fields[]=id&fields[]=title'))
 * // { filter: { _or: [{ views: { _gt: '10' } }] }, fields: ['id', 'title'] }
 */
export function readQueryString(
  params: URLSearchParams,
  ignore?: ReadonlySet<string>,
): { [key: string]: QueryValue } {
  const root = branch('')
  let count = 0
  for (const [key, value] of params) {
    if (++count > MAX_PARAMS) {
      throw ItemsErrors.INVALID_QUERY('', `more than ${MAX_PARAMS} query parameters`)
    }
    if (ignore?.has(nameOf(key))) continue
    const path = splitKey(key)
    if (path.length > MAX_DEPTH) {
      throw ItemsErrors.INVALID_QUERY(key, `nested more than ${MAX_DEPTH} levels deep`)
    }
    if (path[0] === '') throw ItemsErrors.INVALID_QUERY(key, 'empty parameter name')
    assign(root, path, value, key)
  }
  const out: { [key: string]: QueryValue } = Object.create(null)
  for (const [name, child] of root.children) {
    out[name] = typeof child === 'string' ? child : settle(child)
  }
  return out
}
