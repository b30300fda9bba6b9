// parseFilter: Directus-style filter JSON -> a validated AST. Every rejection is a 400
// INVALID_FILTER naming the path of the offending key, so bad input never reaches SQL.
import { PermissionsErrors } from '../errors.js'
import {
  type ConditionNode,
  FIELD_OPERATORS,
  type FieldOperator,
  type FilterNode,
  type FilterRelation,
  MATCH_ALL,
  OPERATOR_GROUPS,
  type Operand,
  type RelationNode,
  type RelationResolver,
} from './ast.js'
import {
  coerceValue,
  describeDomain,
  domainOf,
  type FieldType,
  type FilterSchema,
  type ValueDomain,
} from './field-types.js'
import {
  dateFunctionRefusal,
  type FunctionCall,
  isDateFunction,
  parseFunctionCall,
} from './functions.js'
import { looksLikeVariable, parseVariable, type VariableReference } from './variables.js'

export interface ParseFilterOptions {
  /** The collection the filter applies to, handed to `relations` at the root. */
  collection?: string
  /** Resolves relational fields (`author.country`, `_some`, `_none`); without it they are rejected. */
  relations?: RelationResolver
  /**
   * Deepest nesting of `_and` / `_or` / relations (default 10): checked level by level before
   * anything deeper is read, so no input can exhaust the stack. Every filter of every surface
   * is parsed here first (REST, GraphQL, MCP, realtime, permission rules).
   */
  maxDepth?: number
  /** Most conditions in one filter (default 500). */
  maxConditions?: number
  /** Prefix of error paths, e.g. `filter` when the filter is a property of a request body. */
  path?: string
}

/** Field names when there is no schema to check them against. */
export const FIELD_NAME = /^[A-Za-z][A-Za-z0-9_]{0,62}$/
const MAX_LIST = 1000

const ORDER_OPS: ReadonlySet<FieldOperator> = new Set(OPERATOR_GROUPS.order)
const LIST_OPS: ReadonlySet<FieldOperator> = new Set(OPERATOR_GROUPS.list)
const RANGE_OPS: ReadonlySet<FieldOperator> = new Set(OPERATOR_GROUPS.range)
const FLAG_OPS: ReadonlySet<FieldOperator> = new Set(OPERATOR_GROUPS.flags)
const FLAG_OPPOSITE: Partial<Record<FieldOperator, FieldOperator>> = {
  _null: '_nnull',
  _nnull: '_null',
  _empty: '_nempty',
  _nempty: '_empty',
}
/** `_contains` and the other substring operators. */
export const TEXT_OPS: ReadonlySet<FieldOperator> = new Set(OPERATOR_GROUPS.text)
const KNOWN_OPS: ReadonlySet<string> = new Set(FIELD_OPERATORS)
const TEMPORAL: ReadonlySet<ValueDomain> = new Set(['date', 'time', 'instant', 'untyped'])

interface Scope {
  schema: FilterSchema | undefined
  collection: string | undefined
}

interface State {
  relations: RelationResolver | undefined
  maxDepth: number
  maxConditions: number
  conditions: number
}

const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' &&
  value !== null &&
  !Array.isArray(value) &&
  (Object.getPrototypeOf(value) === Object.prototype || Object.getPrototypeOf(value) === null)

const join = (path: string, key: string | number) => (path === '' ? String(key) : `${path}.${key}`)
const fail = (path: string, reason: string): never => {
  throw PermissionsErrors.INVALID_FILTER(path, reason)
}
const show = (value: unknown) => {
  const text = JSON.stringify(value) ?? String(value)
  return text.length > 60 ? `${text.slice(0, 57)}...` : text
}

/**
 * Validates a filter and turns it into an AST. With a schema, fields must exist and values are
 * checked against (and converted to) their field's type; without one, only the structure,
 * operators and variables are checked.
 * @example
 * const ast = parseFilter(
 *   { _or: [{ status: 'published' }, { author: { _eq: '$CURRENT_USER' } }] },
 *   { status: { type: 'string' }, author: { type: 'uuid' } },
 * )
 */
export function parseFilter(
  input: unknown,
  schema?: FilterSchema,
  options: ParseFilterOptions = {},
): FilterNode {
  const root = options.path ?? ''
  let value = input
  if (typeof value === 'string') {
    try {
      value = JSON.parse(value) as unknown
    } catch {
      fail(root, 'not valid JSON')
    }
  }
  const state: State = {
    relations: options.relations,
    maxDepth: options.maxDepth ?? 10,
    maxConditions: options.maxConditions ?? 500,
    conditions: 0,
  }
  return parseObject(value, { schema, collection: options.collection }, state, root, 0)
}

function parseObject(
  input: unknown,
  scope: Scope,
  state: State,
  path: string,
  depth: number,
): FilterNode {
  if (!isPlainObject(input)) return fail(path, `expected an object, got ${show(input)}`)
  if (depth > state.maxDepth) return fail(path, `nested more than ${state.maxDepth} levels deep`)
  const children: FilterNode[] = []
  for (const [key, value] of Object.entries(input)) {
    const at = join(path, key)
    if (key === '_and' || key === '_or') {
      if (!Array.isArray(value)) fail(at, `expected an array of filters, got ${show(value)}`)
      const parts = (value as unknown[]).map((item, i) =>
        parseObject(item, scope, state, join(at, i), depth + 1),
      )
      children.push({ kind: key === '_and' ? 'and' : 'or', children: parts })
    } else if (key.startsWith('_')) {
      fail(
        at,
        KNOWN_OPS.has(key)
          ? `operator ${key} must be applied to a field, e.g. { "title": { "${key}": ... } }`
          : `unknown operator ${key}; at this level only _and, _or and field names are allowed`,
      )
    } else {
      children.push(parseField(key, value, scope, state, at, depth))
    }
  }
  if (children.length === 1 && children[0]) return children[0]
  return { kind: 'and', children }
}

function parseField(
  key: string,
  value: unknown,
  scope: Scope,
  state: State,
  path: string,
  depth: number,
): FilterNode {
  const call = parseFunctionCall(key)
  if (call !== undefined) return parseFunctionField(call, value, scope, state, path)
  const dot = key.indexOf('.')
  if (dot !== -1) {
    // `author.country: {...}` is shorthand for `author: { country: {...} }`.
    // The key is one JSON key: problems with the relation itself are reported at its full path.
    const head = key.slice(0, dot)
    const headPath = path.slice(0, path.length - key.length + dot)
    const nested = { [key.slice(dot + 1)]: value }
    return parseRelation(head, nested, scope, state, headPath, depth, path)
  }
  if (isPlainObject(value)) {
    const keys = Object.keys(value)
    if (keys.length === 0) return fail(path, 'expected an operator, e.g. { "_eq": ... }')
    if (keys.some((k) => !k.startsWith('_') || k === '_some' || k === '_none')) {
      return parseRelation(key, value, scope, state, path, depth)
    }
    // `{ author: { _or: [...] } }`: `_and` / `_or` inside a relation combine related fields.
    const logical = keys.some((k) => k === '_and' || k === '_or')
    if (logical && state.relations?.(scope.collection, key)) {
      return parseRelation(key, value, scope, state, path, depth)
    }
  }
  const type = fieldType(key, scope, path)
  if (Array.isArray(value)) {
    return fail(
      path,
      'a bare array is ambiguous; use { "_in": [...] } to match one of several values',
    )
  }
  if (!isPlainObject(value)) return parseCondition(key, type, '_eq', value, state, path)
  const conditions = Object.entries(value).map(([op, operand]) =>
    parseCondition(key, type, op, operand, state, join(path, op)),
  )
  return conditions.length === 1 && conditions[0]
    ? conditions[0]
    : { kind: 'and', children: conditions }
}

/**
 * `{ "year(published_at)": { "_eq": 2024 } }`: conditions on a date function of a field;
 * `{ "count(comments)": { "_gt": 2 } }`: on the number of related rows.
 */
function parseFunctionField(
  call: FunctionCall | string,
  value: unknown,
  scope: Scope,
  state: State,
  path: string,
): FilterNode {
  if (typeof call === 'string') return fail(path, call)
  if (Array.isArray(value)) {
    return fail(
      path,
      'a bare array is ambiguous; use { "_in": [...] } to match one of several values',
    )
  }
  const entries: [string, unknown, string][] = isPlainObject(value)
    ? Object.entries(value).map(([op, operand]) => [op, operand, join(path, op)])
    : [['_eq', value, path]]
  if (entries.length === 0) return fail(path, 'expected an operator, e.g. { "_eq": ... }')
  let nodes: FilterNode[]
  if (isDateFunction(call.name)) {
    const type = fieldType(call.field, scope, path)
    if (type === null) return fail(path, `${call.name}() needs the collection's schema`)
    const refusal = dateFunctionRefusal(call.name, type)
    if (refusal) return fail(path, refusal)
    const fn = { name: call.name, type }
    nodes = entries.map(([op, operand, at]) =>
      parseCondition(call.field, 'integer', op, operand, state, at, fn),
    )
  } else {
    const counted = countedRows(call.field, scope, state, path)
    nodes = entries.map(([op, operand, at]) => ({
      ...counted,
      count: parseCondition(call.field, 'integer', op, operand, state, at),
    }))
  }
  return nodes.length === 1 && nodes[0] ? nodes[0] : { kind: 'and', children: nodes }
}

/** `count(field)`: the one-to-many or many-to-many relation whose rows are counted. */
function countedRows(
  field: string,
  scope: Scope,
  state: State,
  path: string,
): Omit<RelationNode, 'count'> {
  if (!state.relations) return fail(path, 'count() needs relations, which are not available here')
  const relation = state.relations(scope.collection, field)
  if (relation?.cardinality !== 'many') {
    return fail(path, 'count() counts the rows of a one-to-many or many-to-many field')
  }
  // Through a junction, a junction row counts when it links to a target row (one the caller may
  // read, once the caller's access is applied to this filter).
  const link = relation.through
  const linked = link === undefined ? undefined : state.relations(relation.collection, link)
  const filter: FilterNode =
    link === undefined || linked === undefined
      ? MATCH_ALL
      : {
          kind: 'relation',
          field: link,
          quantifier: 'one',
          relation: linked,
          filter: MATCH_ALL,
          path,
        }
  return { kind: 'relation', field, quantifier: 'count', relation, filter, path }
}

function fieldType(field: string, scope: Scope, path: string): FieldType | null {
  if (field === '__proto__') return fail(path, `"${field}" is not a valid field name`)
  if (scope.schema === undefined) {
    if (!FIELD_NAME.test(field)) fail(path, `"${field}" is not a valid field name`)
    return null
  }
  if (!Object.hasOwn(scope.schema, field)) {
    const where = scope.collection ? ` of "${scope.collection}"` : ''
    return fail(path, `unknown field "${field}"${where}`)
  }
  return (scope.schema[field] as { type: FieldType }).type
}

function parseRelation(
  field: string,
  value: unknown,
  scope: Scope,
  state: State,
  path: string,
  depth: number,
  keyPath = path,
): FilterNode {
  if (!state.relations) {
    return fail(
      keyPath,
      `relations are not available here ("${field}" is not a field you can filter on directly)`,
    )
  }
  const relation: FilterRelation | undefined = state.relations(scope.collection, field)
  if (!relation) return fail(keyPath, `"${field}" is not a relation`)
  if (!isPlainObject(value))
    return fail(path, `expected a filter on the related rows, got ${show(value)}`)
  const inner: Scope = { schema: relation.schema, collection: relation.collection }
  // Through a junction, the filter names the target's fields: it applies to the junction's link.
  const through = (filter: unknown) =>
    relation.through === undefined ? filter : { [relation.through]: filter }
  const quantifiers = Object.keys(value).filter((k) => k === '_some' || k === '_none')
  const [quantifier] = quantifiers
  if (quantifier === '_some' || quantifier === '_none') {
    if (Object.keys(value).length !== 1) {
      return fail(path, `${quantifier} must be the only key of a relational filter`)
    }
    if (relation.cardinality !== 'many') {
      return fail(join(path, quantifier), `${quantifier} only applies to one-to-many relations`)
    }
    const at = join(path, quantifier)
    const filter = parseObject(through(value[quantifier]), inner, state, at, depth + 1)
    return {
      kind: 'relation',
      field,
      quantifier: quantifier === '_some' ? 'some' : 'none',
      relation,
      filter,
      path,
    }
  }
  const filter = parseObject(through(value), inner, state, path, depth + 1)
  const q = relation.cardinality === 'one' ? 'one' : 'some'
  return { kind: 'relation', field, quantifier: q, relation, filter, path }
}

function parseCondition(
  field: string,
  type: FieldType | null,
  op: string,
  raw: unknown,
  state: State,
  path: string,
  fn?: ConditionNode['fn'],
): ConditionNode {
  if (!KNOWN_OPS.has(op)) {
    return fail(path, `unknown operator ${op}; known operators: ${FIELD_OPERATORS.join(', ')}`)
  }
  state.conditions++
  if (state.conditions > state.maxConditions) {
    return fail(path, `more than ${state.maxConditions} conditions in one filter`)
  }
  let operator = op as FieldOperator
  const domain = domainOf(type)
  const node = (operands: Operand[]): ConditionNode => ({
    kind: 'condition',
    field,
    type,
    operator,
    operands,
    path,
    ...(fn ? { fn } : {}),
  })

  if ((operator === '_eq' || operator === '_neq') && raw === null) {
    operator = operator === '_eq' ? '_null' : '_nnull'
    return node([])
  }
  if (FLAG_OPS.has(operator)) {
    const flag =
      raw === true || raw === 'true' ? true : raw === false || raw === 'false' ? false : null
    if (flag === null) return fail(path, `expected true or false, got ${show(raw)}`)
    if (!flag) operator = FLAG_OPPOSITE[operator] ?? operator
    return node([])
  }
  if (domain === 'json') {
    return fail(
      path,
      `${operator} does not apply to JSON fields; use _null, _nnull, _empty or _nempty`,
    )
  }
  if (
    domain === 'boolean' &&
    operator !== '_eq' &&
    operator !== '_neq' &&
    !LIST_OPS.has(operator)
  ) {
    return fail(path, `${operator} does not apply to boolean fields; use _eq, _neq, _in or _nin`)
  }
  const isText = TEXT_OPS.has(operator)
  if (isText && domain !== 'text' && domain !== 'uuid' && domain !== 'untyped') {
    return fail(path, `${operator} only applies to text fields`)
  }
  const valueDomain: ValueDomain = isText ? 'text' : domain

  if (LIST_OPS.has(operator) || RANGE_OPS.has(operator)) {
    let items: unknown[]
    if (Array.isArray(raw)) items = raw
    else if (typeof raw === 'string' && looksLikeVariable(raw)) items = [raw]
    else if (typeof raw === 'string') items = raw === '' ? [] : raw.split(',')
    else return fail(path, `expected an array, got ${show(raw)}`)
    if (RANGE_OPS.has(operator) && items.length !== 2) {
      return fail(path, `expected two values [from, to], got ${items.length}`)
    }
    if (items.length > MAX_LIST) return fail(path, `more than ${MAX_LIST} values`)
    const list = LIST_OPS.has(operator)
    if (list && items.includes(null)) {
      // As in SQL (and Directus): NULL in `IN (...)` matches no row, and `NOT IN (..., NULL)` is
      // never true, so `_nin` with a null matches nothing, as an empty `_in` does.
      if (operator === '_nin') {
        operator = '_in'
        return node([])
      }
      const operands: Operand[] = []
      items.forEach((item, i) => {
        if (item !== null) operands.push(parseOperand(item, valueDomain, true, join(path, i)))
      })
      return node(operands)
    }
    return node(items.map((item, i) => parseOperand(item, valueDomain, list, join(path, i))))
  }
  if (ORDER_OPS.has(operator) && domain === 'boolean') {
    return fail(path, `${operator} does not apply to boolean fields`)
  }
  return node([parseOperand(raw, valueDomain, false, path)])
}

function parseOperand(raw: unknown, domain: ValueDomain, inList: boolean, path: string): Operand {
  if (looksLikeVariable(raw)) {
    const ref: VariableReference | string = parseVariable(raw)
    if (typeof ref === 'string') return fail(path, ref)
    if (ref.name === 'CURRENT_ROLES' && !inList) {
      return fail(path, '$CURRENT_ROLES is a list; use it with _in or _nin')
    }
    if (ref.name === 'NOW' && !TEMPORAL.has(domain)) {
      return fail(path, '$NOW only compares with date, time and date-time fields')
    }
    return ref
  }
  // A null list item never gets here (parseCondition reads it as SQL does).
  if (raw === null) return fail(path, 'null is not a value here; use _null to match NULL')
  if (typeof raw === 'object' || typeof raw === 'function' || typeof raw === 'symbol') {
    return fail(path, `expected ${describeDomain(domain)}, got ${show(raw)}`)
  }
  const value = coerceValue(domain, raw)
  if (value === undefined) return fail(path, `expected ${describeDomain(domain)}, got ${show(raw)}`)
  return { kind: 'value', value }
}
