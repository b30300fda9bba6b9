// The in-process back end: a filter AST -> a predicate closure over a row. It reproduces SQL's
// answer: a comparison with NULL is unknown, and since the DSL has no NOT above its leaves, an
// unknown leaf can be read as false without changing what `_and` / `_or` return.
import type { SqlDialect } from '@backlex/kernel'
import type { ConditionNode, FilterNode, Operand, RelationNode } from './ast.js'
import { type CanonicalValue, domainOf, rowReader, type ValueDomain } from './field-types.js'
import { dateFunctionValue } from './functions.js'
import { fastConditionMatcher } from './match-fast.js'
import { listGetter, operandGetter } from './operands.js'
import { TEXT_OPS } from './parse.js'
import { compareText, foldCase } from './text.js'
import type { FilterVariables } from './variables.js'

export type Row = Readonly<Record<string, unknown>>

/** A compiled filter: true when the row passes for these variables. */
export type RowPredicate = (row: Row, variables: FilterVariables) => boolean

export interface MatcherOptions {
  /**
   * Only matters for filters parsed without a schema: SQLite has no booleans, so there
   * `true` equals 1. With a schema, rows of either dialect (or JSON) are read by field type.
   */
  dialect?: SqlDialect
}

type Compare = (a: CanonicalValue, b: CanonicalValue) => number | null

const ALWAYS: RowPredicate = () => true
const NEVER: RowPredicate = () => false

function comparatorFor(domain: ValueDomain): Compare {
  switch (domain) {
    case 'number':
    case 'instant':
      return (a, b) => ((a as number) < (b as number) ? -1 : (a as number) > (b as number) ? 1 : 0)
    case 'untyped':
      return (a, b) => {
        if (typeof a === 'string' && typeof b === 'string') return compareText(a, b)
        if (typeof a === 'number' && typeof b === 'number') return a < b ? -1 : a > b ? 1 : 0
        return null
      }
    default:
      return (a, b) => compareText(a as string, b as string)
  }
}

/**
 * Compiles a filter into a predicate closure; build it once, call it per row.
 * @example
 * const allowed = compileMatcher(parseFilter({ owner: { _eq: '$CURRENT_USER' } }))
 * allowed({ owner: 'u1' }, resolveVariables(principal))
 */
export function compileMatcher(node: FilterNode, options: MatcherOptions = {}): RowPredicate {
  switch (node.kind) {
    case 'and':
    case 'or': {
      const parts = node.children.map((child) => compileMatcher(child, options))
      const and = node.kind === 'and'
      if (parts.length === 0) return and ? ALWAYS : NEVER
      if (parts.length === 1) return parts[0] as RowPredicate
      if (parts.length === 2) {
        const [a, b] = parts as [RowPredicate, RowPredicate]
        return and ? (r, v) => a(r, v) && b(r, v) : (r, v) => a(r, v) || b(r, v)
      }
      const n = parts.length
      return and
        ? (r, v) => {
            for (let i = 0; i < n; i++) if (!(parts[i] as RowPredicate)(r, v)) return false
            return true
          }
        : (r, v) => {
            for (let i = 0; i < n; i++) if ((parts[i] as RowPredicate)(r, v)) return true
            return false
          }
    }
    case 'relation':
      return relationMatcher(node, options)
    case 'condition':
      return conditionMatcher(node, options)
  }
}

function relationMatcher(node: RelationNode, options: MatcherOptions): RowPredicate {
  if (node.quantifier === 'count') return countMatcher(node, options)
  const inner = compileMatcher(node.filter, options)
  const { field } = node
  // Related rows must be expanded into the row (an object, or an array of objects); when they
  // are not (a key), the answer is unknown and the row does not match.
  if (node.quantifier === 'one') {
    const reach = node.reach ? compileMatcher(node.reach, options) : undefined
    const follow = node.followWhen ? compileMatcher(node.followWhen, options) : undefined
    // No related row (a NULL key, or one the filter may not reach): a row of NULLs, or no match.
    const missing =
      node.relation.missing === 'no-match' ? () => false : nullRowMatcher(node.filter, options)
    return (row, v) => {
      if (follow && !follow(row, v)) return missing(v)
      const related = Object.hasOwn(row, field) ? row[field] : undefined
      if (related === null) return missing(v)
      if (typeof related !== 'object' || Array.isArray(related)) return false
      if (reach && !reach(related as Row, v)) return missing(v)
      return inner(related as Row, v)
    }
  }
  const some = node.quantifier === 'some'
  return (row, v) => {
    const related = Object.hasOwn(row, field) ? row[field] : undefined
    if (!Array.isArray(related)) return false
    const found = related.some(
      (item) => typeof item === 'object' && item !== null && inner(item as Row, v),
    )
    return some ? found : !found
  }
}

/**
 * `count(field)`: the related rows must be expanded into the row (an array); each one matching the
 * filter counts (a bare key counts when the filter asks nothing of it). Not an array: no match.
 */
function countMatcher(node: RelationNode, options: MatcherOptions): RowPredicate {
  const inner = compileMatcher(node.filter, options)
  const compare = countComparison(node, options)
  const anything = node.filter.kind === 'and' && node.filter.children.length === 0
  const { field } = node
  return (row, v) => {
    const related = Object.hasOwn(row, field) ? row[field] : undefined
    if (!Array.isArray(related)) return false
    let n = 0
    for (const item of related) {
      if (typeof item === 'object' && item !== null ? inner(item as Row, v) : anything) n++
    }
    return compare(n, v)
  }
}

/** The condition of a `count` node as a test of a number. */
function countComparison(
  node: RelationNode,
  options: MatcherOptions,
): (n: number, variables: FilterVariables) => boolean {
  if (!node.count) return () => false
  const test = conditionMatcher({ ...node.count, field: 'n' }, options)
  return (n, v) => test({ n }, v)
}

function countOfNone(node: RelationNode, options: MatcherOptions) {
  const compare = countComparison(node, options)
  return (v: FilterVariables) => compare(0, v)
}

const NULL_ROW: Row = Object.freeze(Object.create(null) as Row)

/**
 * What a filter answers for a related row of NULLs, the row a LEFT JOIN brings when there is no
 * related row: every field NULL, no related rows of its own (`_some` false, `_none` true), and
 * its many-to-one relations missing in turn. Used by both back ends, so they agree.
 */
export function nullRowMatcher(
  node: FilterNode,
  options: MatcherOptions = {},
): (variables: FilterVariables) => boolean {
  switch (node.kind) {
    case 'and':
    case 'or': {
      const parts = node.children.map((child) => nullRowMatcher(child, options))
      return node.kind === 'and' ? (v) => parts.every((p) => p(v)) : (v) => parts.some((p) => p(v))
    }
    case 'relation':
      // No related rows: a count of 0.
      if (node.quantifier === 'count') return countOfNone(node, options)
      if (node.quantifier === 'some') return () => false
      if (node.quantifier === 'none') return () => true
      return node.relation.missing === 'no-match'
        ? () => false
        : nullRowMatcher(node.filter, options)
    case 'condition': {
      const test = conditionMatcher(node, options)
      return (v) => test(NULL_ROW, v)
    }
  }
}

function conditionMatcher(node: ConditionNode, options: MatcherOptions): RowPredicate {
  const { field, operator, operands } = node
  const fieldDomain = domainOf(node.type)
  const sqliteUntyped = fieldDomain === 'untyped' && options.dialect === 'sqlite'
  const isText = TEXT_OPS.has(operator)
  if (node.fn) return functionMatcher(node, node.fn, options)
  if (!isText && !sqliteUntyped) {
    const fast = fastConditionMatcher(node, fieldDomain, rowReader(fieldDomain))
    if (fast) return fast
  }
  const baseRead = rowReader(isText && fieldDomain === 'untyped' ? 'text' : fieldDomain)
  // SQLite stores booleans as 1/0; without a schema, compare them that way on both sides.
  const norm = (v: CanonicalValue | null) =>
    sqliteUntyped && typeof v === 'boolean' ? Number(v) : v
  // A plain property read: a field such as `constructor` missing from the row reads an inherited
  // function, which every reader takes as NULL, and parseFilter never accepts `__proto__`.
  const read = sqliteUntyped
    ? (row: Row) => norm(baseRead(row[field]))
    : (row: Row) => baseRead(row[field])
  const domain: ValueDomain = isText ? 'text' : fieldDomain
  const compare = comparatorFor(fieldDomain)
  const same = (a: CanonicalValue, b: CanonicalValue) => typeof a === typeof b

  switch (operator) {
    case '_null':
      return (row) => read(row) === null
    case '_nnull':
      return (row) => read(row) !== null
    case '_empty':
      return fieldDomain === 'text' || fieldDomain === 'untyped'
        ? (row) => {
            const v = read(row)
            return v === null || v === ''
          }
        : (row) => read(row) === null
    case '_nempty':
      return fieldDomain === 'text' || fieldDomain === 'untyped'
        ? (row) => {
            const v = read(row)
            return v !== null && v !== ''
          }
        : (row) => read(row) !== null
    case '_in':
    case '_nin': {
      const list = listGetter(operands, domain)
      const negate = operator === '_nin'
      const allLiteral = operands.every((o) => o.kind === 'value')
      if (allLiteral) {
        const fixed = new Set(list({} as FilterVariables).values.map(norm))
        if (fixed.size === 0) return negate ? ALWAYS : NEVER
        return negate
          ? (row) => {
              const v = read(row)
              return v !== null && !fixed.has(v)
            }
          : (row) => {
              const v = read(row)
              return v !== null && fixed.has(v)
            }
      }
      return (row, vars) => {
        const { values, hasNull } = list(vars)
        if (values.length === 0) return negate ? !hasNull : false
        const v = read(row)
        if (v === null) return false
        let found = false
        for (const x of values) if (norm(x) === v) found = true
        return negate ? !found && !hasNull : found
      }
    }
    case '_between':
    case '_nbetween': {
      const [lo, hi] = operands.map((o) => operandGetter(o, domain)) as [
        (v: FilterVariables) => CanonicalValue | null,
        (v: FilterVariables) => CanonicalValue | null,
      ]
      if (operator === '_between') {
        return (row, vars) => {
          const v = read(row)
          const a = norm(lo(vars))
          const b = norm(hi(vars))
          if (v === null || a === null || b === null) return false
          const ca = compare(v, a)
          const cb = compare(v, b)
          return ca !== null && cb !== null && ca >= 0 && cb <= 0
        }
      }
      return (row, vars) => {
        const v = read(row)
        if (v === null) return false
        const a = norm(lo(vars))
        const b = norm(hi(vars))
        const below = a !== null && (compare(v, a) ?? 0) < 0
        const above = b !== null && (compare(v, b) ?? 0) > 0
        return below || above
      }
    }
    default:
      break
  }

  const operand: Operand = operands[0] ?? { kind: 'value', value: '' }
  if (isText) return textMatcher(operator, read, operand)
  const get = operandGetter(operand, domain)

  switch (operator) {
    case '_eq':
      return (row, vars) => {
        const v = read(row)
        const o = norm(get(vars))
        return v !== null && o !== null && v === o
      }
    case '_neq':
      return (row, vars) => {
        const v = read(row)
        const o = norm(get(vars))
        return v !== null && o !== null && v !== o && same(v, o)
      }
    default: {
      const test =
        operator === '_lt'
          ? (c: number) => c < 0
          : operator === '_lte'
            ? (c: number) => c <= 0
            : operator === '_gt'
              ? (c: number) => c > 0
              : (c: number) => c >= 0
      return (row, vars) => {
        const v = read(row)
        const o = norm(get(vars))
        if (v === null || o === null) return false
        const c = compare(v, o)
        return c !== null && test(c)
      }
    }
  }
}

/**
 * A condition on a date function of a field: the row's value goes through the function, then the
 * condition compares the integer as it would an integer field's value.
 */
function functionMatcher(
  node: ConditionNode,
  fn: NonNullable<ConditionNode['fn']>,
  options: MatcherOptions,
): RowPredicate {
  const apply = dateFunctionValue(fn.name, fn.type)
  const { fn: _applied, ...plain } = node
  const inner = conditionMatcher({ ...plain, field: 'v' }, options)
  const { field } = node
  return (row, vars) => inner({ v: apply(row[field]) }, vars)
}

function textMatcher(
  operator: string,
  read: (row: Row) => CanonicalValue | null,
  operand: Operand,
): RowPredicate {
  const negate = operator.startsWith('_n')
  const fold = /^_n?i/.test(operator)
  const test = operator.includes('contains')
    ? (s: string, o: string) => s.includes(o)
    : operator.includes('starts_with')
      ? (s: string, o: string) => s.startsWith(o)
      : (s: string, o: string) => s.endsWith(o)
  if (operand.kind === 'value' && typeof operand.value === 'string') {
    const o = fold ? foldCase(operand.value) : operand.value
    return (row) => {
      const v = read(row)
      if (typeof v !== 'string') return false
      const hit = test(fold ? foldCase(v) : v, o)
      return negate ? !hit : hit
    }
  }
  const get = operandGetter(operand, 'text')
  return (row, vars) => {
    const v = read(row)
    const o = get(vars)
    if (typeof v !== 'string' || typeof o !== 'string') return false
    const hit = fold ? test(foldCase(v), foldCase(o)) : test(v, o)
    return negate ? !hit : hit
  }
}
