// Normalizes a raw query (from a URL or from JSON) into an ItemsQuery: JSON strings parsed,
// comma lists split, numbers checked. Fields are checked against the collection later.
import {
  AGGREGATE_FUNCTIONS,
  type AggregateFunction,
  ITEMS_QUERY_LIMITS,
  ITEMS_QUERY_PARAMETERS,
  META_KEYS,
  type MetaKey,
} from '../../contract.js'
import { ItemsErrors } from '../errors.js'
import type { DeepQuery, ItemsQuery } from './types.js'

const KNOWN: ReadonlySet<string> = new Set(ITEMS_QUERY_PARAMETERS)
const MAX_SEARCH = ITEMS_QUERY_LIMITS.maxSearchLength
const MAX_LIST = ITEMS_QUERY_LIMITS.maxListEntries
const DEEP_KEYS = new Set(['_filter', '_sort', '_limit', '_offset'])
const MAX_DEEP = ITEMS_QUERY_LIMITS.maxDeepDepth

const invalid = ItemsErrors.INVALID_QUERY
const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value)

function parseJson(text: string, path: string): unknown {
  try {
    return JSON.parse(text) as unknown
  } catch {
    throw invalid(path, 'not valid JSON')
  }
}

/** `"a,b"`, `["a", "b,c"]` -> `["a", "b", "c"]`; a JSON array string is read as JSON. */
function stringList(value: unknown, path: string): string[] {
  let items: unknown[]
  if (typeof value === 'string') {
    const text = value.trim()
    items = text.startsWith('[') ? toArray(parseJson(text, path), path) : [text]
  } else if (Array.isArray(value)) items = value
  else throw invalid(path, 'expected a comma-separated string or a list of strings')
  const out: string[] = []
  items.forEach((item, i) => {
    if (typeof item !== 'string') throw invalid(`${path}.${i}`, 'expected a string')
    for (const part of item.split(',')) {
      const trimmed = part.trim()
      if (trimmed !== '') out.push(trimmed)
    }
  })
  if (out.length > MAX_LIST) throw invalid(path, `more than ${MAX_LIST} entries`)
  return out
}

function toArray(value: unknown, path: string): unknown[] {
  if (!Array.isArray(value)) throw invalid(path, 'expected a JSON array')
  return value
}

function integer(value: unknown, path: string, min: number): number {
  const n =
    typeof value === 'number'
      ? value
      : typeof value === 'string' && /^\s*-?\d{1,15}\s*$/.test(value)
        ? Number(value)
        : Number.NaN
  if (!Number.isSafeInteger(n)) throw invalid(path, 'expected an integer')
  if (n < min) throw invalid(path, `expected an integer of at least ${min}`)
  return n
}

function object(value: unknown, path: string): Record<string, unknown> {
  const parsed = typeof value === 'string' ? parseJson(value, path) : value
  if (!isRecord(parsed)) throw invalid(path, 'expected an object')
  return parsed
}

const LIST_OPERATORS = new Set(['_in', '_nin', '_between', '_nbetween'])

/**
 * A filter written with brackets holds only text; as in Directus, `null` (or `NULL`) there is
 * SQL's NULL (`filter[category][_eq]=null` is `{ "category": { "_eq": null } }`), also as an item
 * of a list (`_in=a,null`). The JSON spelling has its own null, so `"null"` stays text there.
 */
function bracketNulls(value: unknown, key = ''): unknown {
  if (value === 'null' || value === 'NULL') return LIST_OPERATORS.has(key) ? [null] : null
  if (typeof value === 'string' && LIST_OPERATORS.has(key) && value.includes(',')) {
    return value.split(',').map((item) => bracketNulls(item))
  }
  if (Array.isArray(value)) return value.map((item) => bracketNulls(item))
  if (!isRecord(value)) return value
  const out: Record<string, unknown> = Object.create(null)
  for (const [name, child] of Object.entries(value)) out[name] = bracketNulls(child, name)
  return out
}

function filterValue(value: unknown, path: string, brackets = false): Record<string, unknown> {
  if (brackets && isRecord(value)) return bracketNulls(value) as Record<string, unknown>
  if (typeof value === 'string') {
    const parsed = (() => {
      try {
        return JSON.parse(value) as unknown
      } catch {
        throw ItemsErrors.INVALID_FILTER(path, 'not valid JSON')
      }
    })()
    if (!isRecord(parsed)) throw ItemsErrors.INVALID_FILTER(path, 'expected an object')
    return parsed
  }
  if (!isRecord(value)) throw ItemsErrors.INVALID_FILTER(path, 'expected an object')
  return value
}

function aggregate(value: unknown): Partial<Record<AggregateFunction, string[]>> {
  const raw = object(value, 'aggregate')
  const out: Partial<Record<AggregateFunction, string[]>> = {}
  for (const [fn, fields] of Object.entries(raw)) {
    if (!(AGGREGATE_FUNCTIONS as readonly string[]).includes(fn)) {
      throw invalid(`aggregate.${fn}`, `unknown function; use ${AGGREGATE_FUNCTIONS.join(', ')}`)
    }
    const names = stringList(fields, `aggregate.${fn}`)
    if (names.length === 0) throw invalid(`aggregate.${fn}`, 'name at least one field, or "*"')
    out[fn as AggregateFunction] = names
  }
  if (Object.keys(out).length === 0) throw invalid('aggregate', 'name at least one function')
  return out
}

function deep(
  value: unknown,
  path: string,
  depth: number,
  brackets: boolean,
): Record<string, DeepQuery> {
  if (depth > MAX_DEEP) throw invalid(path, `nested more than ${MAX_DEEP} levels deep`)
  const raw = depth === 0 ? object(value, path) : (value as Record<string, unknown>)
  const out: Record<string, DeepQuery> = {}
  for (const [relation, given] of Object.entries(raw)) {
    const at = `${path}.${relation}`
    const options = typeof given === 'string' ? parseJson(given, at) : given
    if (relation.startsWith('_')) {
      throw invalid(at, `${relation} must follow a relation name, e.g. deep[comments][${relation}]`)
    }
    if (!isRecord(options))
      throw invalid(at, 'expected an object of _filter, _sort, _limit, _offset')
    const entry: DeepQuery = { relations: {} }
    const nested: Record<string, unknown> = {}
    for (const [key, option] of Object.entries(options)) {
      if (key.startsWith('_')) {
        if (!DEEP_KEYS.has(key)) {
          throw invalid(`${at}.${key}`, 'unknown option; use _filter, _sort, _limit or _offset')
        }
        if (key === '_filter') entry.filter = filterValue(option, `${at}._filter`, brackets)
        else if (key === '_sort') entry.sort = stringList(option, `${at}._sort`)
        else if (key === '_limit') entry.limit = integer(option, `${at}._limit`, -1)
        else entry.offset = integer(option, `${at}._offset`, 0)
      } else {
        nested[key] = option
      }
    }
    entry.relations = deep(nested, at, depth + 1, brackets)
    out[relation] = entry
  }
  return out
}

function meta(value: unknown): MetaKey[] {
  const names = stringList(value, 'meta')
  const out = new Set<MetaKey>()
  for (const name of names) {
    if (name === '*') for (const key of META_KEYS) out.add(key)
    else if ((META_KEYS as readonly string[]).includes(name)) out.add(name as MetaKey)
    else throw invalid('meta', `unknown meta "${name}"; use total_count, filter_count or *`)
  }
  return [...out]
}

function scalar(value: unknown, path: string): unknown {
  if (Array.isArray(value)) throw invalid(path, 'given more than once')
  return value
}

export interface NormalizeOptions {
  /**
   * The query came from a URL (`readQueryString`): filters given as objects were written with
   * brackets, whose values are text, so `null` there means NULL.
   */
  url?: boolean
}

/**
 * Checks and normalizes a raw query; throws INVALID_QUERY (or INVALID_FILTER) naming the path.
 * @example
 * normalizeQuery({ fields: 'id,title', sort: '-views', limit: '10', filter: '{"views":{"_gt":1}}' })
 * // { fields: ['id', 'title'], sort: ['-views'], limit: 10, filter: { views: { _gt: 1 } }, meta: [], deep: {} }
 */
export function normalizeQuery(
  raw: Readonly<Record<string, unknown>>,
  options: NormalizeOptions = {},
): ItemsQuery {
  const brackets = options.url === true
  const query: ItemsQuery = { meta: [], deep: {} }
  for (const [key, value] of Object.entries(raw)) {
    if (value === undefined) continue
    if (!KNOWN.has(key)) {
      throw invalid(key, `unknown query parameter; known: ${[...KNOWN].join(', ')}`)
    }
    switch (key) {
      case 'fields':
        query.fields = stringList(value, key)
        break
      case 'sort':
        query.sort = stringList(value, key)
        break
      case 'groupBy':
        query.groupBy = stringList(value, key)
        break
      case 'meta':
        query.meta = meta(value)
        break
      case 'filter':
        query.filter = filterValue(scalar(value, key), key, brackets)
        break
      case 'search': {
        const text = scalar(value, key)
        if (typeof text !== 'string') throw invalid(key, 'expected a string')
        if (text.length > MAX_SEARCH) throw invalid(key, `longer than ${MAX_SEARCH} characters`)
        if (text !== '') query.search = text
        break
      }
      case 'limit':
        query.limit = integer(scalar(value, key), key, -1)
        break
      case 'offset':
        query.offset = integer(scalar(value, key), key, 0)
        break
      case 'page':
        query.page = integer(scalar(value, key), key, 1)
        break
      case 'aggregate':
        query.aggregate = aggregate(scalar(value, key))
        break
      case 'deep':
        query.deep = deep(scalar(value, key), key, 0, brackets)
        break
    }
  }
  if (query.page !== undefined && query.offset !== undefined) {
    throw invalid('page', 'give either page or offset, not both')
  }
  return query
}
