// The items query language as one zod schema: raw values in (a URL's strings, read by url.ts, or
// JSON), the normalized ItemsQuery out. Its input side is the JSON Schema the items tools publish.
import { z } from 'zod'
import {
  AGGREGATE_FUNCTIONS,
  type AggregateFunction,
  ITEMS_QUERY_LIMITS,
  META_KEYS,
  type MetaKey,
} from '../../contract.js'
import type { DeepQuery, ItemsQuery } from './types.js'

const MAX_SEARCH = ITEMS_QUERY_LIMITS.maxSearchLength
const MAX_LIST = ITEMS_QUERY_LIMITS.maxListEntries
const MAX_DEEP = ITEMS_QUERY_LIMITS.maxDeepDepth
const LIST_OPERATORS: ReadonlySet<string> = new Set(['_in', '_nin', '_between', '_nbetween'])

/** What a transform reports a problem through (zod's refinement context). */
type Issues = z.core.$RefinementCtx
type Path = (string | number)[]

/**
 * Records a problem at `path` (relative to the value being read); `kind: 'filter'` for a filter
 * that is not an object (INVALID_FILTER).
 */
function problem(ctx: Issues, message: string, path: Path = [], kind?: 'filter'): never {
  ctx.issues.push({ code: 'custom', message, input: undefined, path, params: { kind } })
  return z.NEVER
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value)

const NOT_JSON = Symbol('not JSON')
function json(text: string): unknown {
  try {
    return JSON.parse(text) as unknown
  } catch {
    return NOT_JSON
  }
}

/** `"a,b"`, `["a", "b,c"]` -> `["a", "b", "c"]`; a JSON array string is read as JSON. */
function stringList(value: unknown, ctx: Issues, path: Path): string[] {
  let items: unknown
  if (typeof value === 'string') {
    const text = value.trim()
    if (text.startsWith('[')) {
      items = json(text)
      if (items === NOT_JSON) return problem(ctx, 'not valid JSON', path)
      if (!Array.isArray(items)) return problem(ctx, 'expected a JSON array', path)
    } else items = [text]
  } else items = value
  if (!Array.isArray(items)) {
    return problem(ctx, 'expected a comma-separated string or a list of strings', path)
  }
  const out: string[] = []
  for (let i = 0; i < items.length; i++) {
    const item: unknown = items[i]
    if (typeof item !== 'string') return problem(ctx, 'expected a string', [...path, i])
    for (const part of item.split(',')) {
      const trimmed = part.trim()
      if (trimmed !== '') out.push(trimmed)
    }
  }
  if (out.length > MAX_LIST) return problem(ctx, `more than ${MAX_LIST} entries`, path)
  return out
}

const INTEGER = /^\s*-?\d{1,15}\s*$/
function integer(value: unknown, ctx: Issues, path: Path, min: number): number {
  const n =
    typeof value === 'number'
      ? value
      : typeof value === 'string' && INTEGER.test(value)
        ? Number(value)
        : Number.NaN
  if (!Number.isSafeInteger(n)) return problem(ctx, 'expected an integer', path)
  if (n < min) return problem(ctx, `expected an integer of at least ${min}`, path)
  return n
}

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

/** A filter: an object, or its JSON text; written with brackets, `null` is NULL. */
function filterObject(value: unknown, ctx: Issues, path: Path, brackets: boolean) {
  if (brackets && isRecord(value)) return bracketNulls(value) as Record<string, unknown>
  const parsed = typeof value === 'string' ? json(value) : value
  if (parsed === NOT_JSON) return problem(ctx, 'not valid JSON', path, 'filter')
  if (!isRecord(parsed)) return problem(ctx, 'expected an object', path, 'filter')
  return parsed
}

/** An object, or its JSON text. */
function objectOf(value: unknown, ctx: Issues, path: Path): Record<string, unknown> {
  const parsed = typeof value === 'string' ? json(value) : value
  if (parsed === NOT_JSON) return problem(ctx, 'not valid JSON', path)
  if (!isRecord(parsed)) return problem(ctx, 'expected an object', path)
  return parsed
}

function aggregateOf(value: unknown, ctx: Issues) {
  const raw = objectOf(value, ctx, [])
  const out: Partial<Record<AggregateFunction, string[]>> = {}
  for (const [fn, fields] of Object.entries(raw)) {
    if (!(AGGREGATE_FUNCTIONS as readonly string[]).includes(fn)) {
      return problem(ctx, `unknown function; use ${AGGREGATE_FUNCTIONS.join(', ')}`, [fn])
    }
    const names = stringList(fields, ctx, [fn])
    if (names.length === 0) return problem(ctx, 'name at least one field, or "*"', [fn])
    out[fn as AggregateFunction] = names
  }
  if (Object.keys(out).length === 0) return problem(ctx, 'name at least one function')
  return out
}

function metaOf(value: unknown, ctx: Issues): MetaKey[] {
  const out = new Set<MetaKey>()
  for (const name of stringList(value, ctx, [])) {
    if (name === '*') for (const key of META_KEYS) out.add(key)
    else if ((META_KEYS as readonly string[]).includes(name)) out.add(name as MetaKey)
    else return problem(ctx, `unknown meta "${name}"; use total_count, filter_count or *`)
  }
  return [...out]
}

/**
 * `deep`: per relation, `_filter`, `_sort`, `_limit`, `_offset` and the options of its own
 * relations, each level an object or its JSON text, at most `maxDeepDepth` levels.
 */
function deepOf(
  raw: Record<string, unknown>,
  ctx: Issues,
  path: Path,
  brackets: boolean,
): Record<string, DeepQuery> {
  if (path.length > MAX_DEEP) return problem(ctx, `nested more than ${MAX_DEEP} levels deep`, path)
  const out: Record<string, DeepQuery> = {}
  for (const [relation, given] of Object.entries(raw)) {
    const at = [...path, relation]
    const options = typeof given === 'string' ? json(given) : given
    if (options === NOT_JSON) return problem(ctx, 'not valid JSON', at)
    if (relation.startsWith('_')) {
      return problem(
        ctx,
        `${relation} must follow a relation name, e.g. deep[comments][${relation}]`,
        at,
      )
    }
    if (!isRecord(options)) {
      return problem(ctx, 'expected an object of _filter, _sort, _limit, _offset', at)
    }
    const entry: DeepQuery = { relations: {} }
    const nested: Record<string, unknown> = {}
    for (const [key, option] of Object.entries(options)) {
      if (!key.startsWith('_')) nested[key] = option
      else if (key === '_filter') entry.filter = filterObject(option, ctx, [...at, key], brackets)
      else if (key === '_sort') entry.sort = stringList(option, ctx, [...at, key])
      else if (key === '_limit') entry.limit = integer(option, ctx, [...at, key], -1)
      else if (key === '_offset') entry.offset = integer(option, ctx, [...at, key], 0)
      else
        return problem(ctx, 'unknown option; use _filter, _sort, _limit or _offset', [...at, key])
    }
    entry.relations = deepOf(nested, ctx, at, brackets)
    out[relation] = entry
  }
  return out
}

/** What a single-valued parameter given twice (`limit=1&limit=2`, or a JSON list) is told. */
export const GIVEN_TWICE = 'given more than once'
/** A parameter's message for a value of the wrong type; a list where one value belongs: twice. */
const wrongType =
  (message: string) =>
  (issue: { input?: unknown }): string =>
    Array.isArray(issue.input) ? GIVEN_TWICE : message

/** The input types, as tools describe them; the transforms check them in depth. */
const listInput = z.union([z.string(), z.array(z.string({ error: 'expected a string' }))], {
  error: 'expected a comma-separated string or a list of strings',
})
const integerInput = z.union([z.string(), z.number().int({ error: 'expected an integer' })], {
  error: wrongType('expected an integer'),
})
/**
 * An object or its JSON text, described as such to tools. Checked as the readers check it and kept
 * as given (zod's record would copy it and drop an own `__proto__` key, which the filter parser
 * refuses by name).
 */
type ObjectOrText = Record<string, unknown> | string
const objectInput = z
  .unknown()
  .refine((value) => typeof value === 'string' || isRecord(value), {
    error: wrongType('expected an object'),
  })
  .meta({ anyOf: [{ type: 'object' }, { type: 'string' }] }) as z.ZodType<
  ObjectOrText,
  ObjectOrText
>

const list = (description: string) =>
  listInput
    .transform((value, ctx) => stringList(value, ctx, []))
    .optional()
    .describe(description)
const int = (min: number, description: string) =>
  integerInput
    .transform((value, ctx) => integer(value, ctx, [], min))
    .optional()
    .describe(description)

/** The query parameters; `brackets`: the query came from a URL, where `null` in a filter is NULL. */
function parameters(brackets: boolean) {
  return {
    fields: list(
      'Fields to return: ["*"] (default), ["*.*"], ["title", "author.name", "comments.*"]; functions: ["year(published_at)", "count(comments)"]',
    ),
    filter: objectInput
      .transform((value, ctx) => filterObject(value, ctx, [], brackets))
      .optional()
      .describe(
        'Directus filter, e.g. { "status": { "_eq": "published" }, "author": { "name": { "_icontains": "ada" } } }',
      ),
    search: z
      .string({ error: wrongType('expected a string') })
      .max(MAX_SEARCH, { error: `longer than ${MAX_SEARCH} characters` })
      .optional()
      .describe('Case-insensitive text search over searchable fields'),
    sort: list(
      'e.g. ["-views", "title", "-count(comments)"]; "-" sorts descending; with groupBy also aggregates ("-count", "sum.views")',
    ),
    limit: int(-1, 'Rows to return (default 100; -1 for all up to the maximum)'),
    offset: int(0, 'Rows to skip'),
    page: int(1, '1-based page of `limit` rows (instead of offset)'),
    meta: listInput.transform(metaOf).optional().describe('"total_count", "filter_count" or "*"'),
    aggregate: objectInput
      .transform(aggregateOf)
      .optional()
      .describe(
        `e.g. { "count": "*", "sum": ["views"] }; functions: ${AGGREGATE_FUNCTIONS.join(', ')}`,
      ),
    groupBy: list(
      'Fields (or functions, e.g. "year(published_at)") to group by; without aggregate: the distinct groups',
    ),
    deep: objectInput
      .transform((value, ctx) => deepOf(objectOf(value, ctx, []), ctx, [], brackets))
      .optional()
      .describe(
        'Per relation: { "comments": { "_filter": {...}, "_sort": ["-id"], "_limit": 3, "author": { "_limit": 1 } } }',
      ),
  }
}

/** The parameters once each is checked on its own. */
export type CheckedParameters = z.output<z.ZodObject<ReturnType<typeof parameters>>>

/**
 * The checked parameters as an ItemsQuery: absent ones left out, `meta` and `deep` always there.
 * Runs once each parameter is fine on its own, so `page` with `offset` is told last.
 */
export function toItemsQuery(value: CheckedParameters, ctx: Issues): ItemsQuery {
  if (value.page !== undefined && value.offset !== undefined) {
    return problem(ctx, 'give either page or offset, not both', ['page'])
  }
  const query: ItemsQuery = { meta: value.meta ?? [], deep: value.deep ?? {} }
  if (value.fields !== undefined) query.fields = value.fields
  if (value.filter !== undefined) query.filter = value.filter
  if (value.search !== undefined && value.search !== '') query.search = value.search
  if (value.sort !== undefined) query.sort = value.sort
  if (value.limit !== undefined) query.limit = value.limit
  if (value.offset !== undefined) query.offset = value.offset
  if (value.page !== undefined) query.page = value.page
  if (value.aggregate !== undefined) query.aggregate = value.aggregate
  if (value.groupBy !== undefined) query.groupBy = value.groupBy
  return query
}

/** The parameters plus `extra` keys (a tool's `collection`), as one strict object. */
export const itemsQueryObject = <E extends z.core.$ZodShape = Record<never, never>>(
  extra: E = {} as E,
  brackets = false,
) => z.strictObject({ ...parameters(brackets), ...extra })

/**
 * The items query as one schema: the JSON form (tools, GraphQL arguments, `{ query }` bodies), each
 * value also as the string a URL would carry, in; the normalized ItemsQuery out. Its issues become
 * INVALID_QUERY / INVALID_FILTER through `queryError` (./issues.ts).
 * @example
 * itemsQueryInput.parse({ fields: 'id,title', limit: '10', filter: { views: { _gt: 1 } } })
 * // { fields: ['id', 'title'], limit: 10, filter: { views: { _gt: 1 } }, meta: [], deep: {} }
 */
export const itemsQueryInput = itemsQueryObject().transform(toItemsQuery)

/** The same schema for a URL's values (read by `readQueryString`): `null` in a filter is NULL. */
export const itemsQueryFromUrl = itemsQueryObject({}, true).transform(toItemsQuery)
