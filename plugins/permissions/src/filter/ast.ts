// The validated filter AST that parseFilter produces and both back ends consume.
import type { CanonicalValue, FieldType, FilterSchema } from './field-types.js'
import type { DateFunction } from './functions.js'
import type { VariableReference } from './variables.js'

/**
 * The field operators by kind: which of them a field accepts follows from its value domain
 * (the parser checks it; GraphQL builds its filter input types from these groups).
 */
export const OPERATOR_GROUPS = {
  /** Equality, on every domain with values. */
  compare: ['_eq', '_neq'],
  /** Ordering: not on booleans or JSON. */
  order: ['_lt', '_lte', '_gt', '_gte'],
  /** A list of values. */
  list: ['_in', '_nin'],
  /** Take `true` (or any value): null and empty checks, on every domain. */
  flags: ['_null', '_nnull', '_empty', '_nempty'],
  /** Substrings, case-sensitive or (`_i...`) folded: text and uuids. */
  text: [
    '_contains',
    '_ncontains',
    '_icontains',
    '_nicontains',
    '_starts_with',
    '_nstarts_with',
    '_istarts_with',
    '_nistarts_with',
    '_ends_with',
    '_nends_with',
    '_iends_with',
    '_niends_with',
  ],
  /** Two values, inclusive. */
  range: ['_between', '_nbetween'],
} as const

/** Operators that compare one field with values: every group's. */
export const FIELD_OPERATORS = [
  ...OPERATOR_GROUPS.compare,
  ...OPERATOR_GROUPS.order,
  ...OPERATOR_GROUPS.list,
  ...OPERATOR_GROUPS.flags,
  ...OPERATOR_GROUPS.text,
  ...OPERATOR_GROUPS.range,
] as const

export type FieldOperator = (typeof FIELD_OPERATORS)[number]

/** `_and` / `_or` combine filters; `_some` / `_none` quantify over related rows. */
export const LOGICAL_OPERATORS = ['_and', '_or'] as const
export const RELATION_OPERATORS = ['_some', '_none'] as const

/** A literal in its field's canonical form, or a variable bound at execution. */
export type Operand = { readonly kind: 'value'; readonly value: CanonicalValue } | VariableReference

export interface ConditionNode {
  readonly kind: 'condition'
  readonly field: string
  /** Null when the filter was parsed without a schema. */
  readonly type: FieldType | null
  readonly operator: FieldOperator
  /** One for comparisons, two for `_between`, any number for `_in`; none for `_null`/`_empty`. */
  readonly operands: readonly Operand[]
  /** Where this condition was written, e.g. `_and.0.title._eq`. */
  readonly path: string
  /**
   * A date function applied to `field` first (`year(published_at)`): the condition then compares
   * that integer, and `type` is `integer`; `fn.type` is the field's own type.
   */
  readonly fn?: { readonly name: DateFunction; readonly type: FieldType }
}

export interface LogicalNode {
  readonly kind: 'and' | 'or'
  readonly children: readonly FilterNode[]
}

/**
 * How a field leads to other rows; supplied by whoever knows the schema (the collections plugin).
 * `one`: this row holds the key of one related row (many-to-one). `many`: related rows hold this
 * row's key (one-to-many).
 */
export interface FilterRelation {
  readonly cardinality: 'one' | 'many'
  /** The related collection, to resolve relations further down the path. */
  readonly collection: string
  /** The related collection's table. */
  readonly table: string
  /** The related collection's fields, to validate the nested filter. */
  readonly schema?: FilterSchema
  /** The column of this side of the join (`one`: the foreign key; `many`: usually the primary key). */
  readonly localColumn: string
  /** The column of the related side (`one`: its primary key; `many`: the foreign key). */
  readonly foreignColumn: string
  /**
   * `many` through a junction (many-to-many): the junction's column leading on to the target.
   * A filter on the related rows is then read as one on that column's row, so
   * `{ tags: { name: {...} } }` means `{ tags: { _some: { <through>: { name: {...} } } } }`.
   */
  readonly through?: string
  /**
   * `one` only: how a row reads when it has no related row (a NULL key, a dangling key, or a row
   * the filter may not reach). `nulls` (the default): as a related row of NULLs, SQL's LEFT JOIN
   * and Directus's answer, so `{ author: { country: { _null: true } } }` holds for an item without
   * an author. `no-match`: the relation does not hold (a junction row's link to its target).
   */
  readonly missing?: 'nulls' | 'no-match'
}

/** Resolves `field` of `collection` (undefined at the root when no collection was named). */
export type RelationResolver = (
  collection: string | undefined,
  field: string,
) => FilterRelation | undefined

export interface RelationNode {
  readonly kind: 'relation'
  readonly field: string
  /**
   * `one`: the related row matches; `some` / `none`: at least one / no related row matches;
   * `count`: the number of related rows matching `filter` satisfies `count` (`count(comments)`).
   */
  readonly quantifier: 'one' | 'some' | 'none' | 'count'
  readonly relation: FilterRelation
  readonly filter: FilterNode
  /**
   * `one` only: the related rows the filter may reach (e.g. those the caller may read). A related
   * row outside it counts as missing (see `FilterRelation.missing`); without it, every row counts.
   */
  readonly reach?: FilterNode
  /**
   * `one` only: the rows (of this side) on which the relation may be followed, e.g. those where
   * the caller may read the key. On other rows the related row counts as missing.
   */
  readonly followWhen?: FilterNode
  /** `count` only: the condition on the number (its field names the relation, its type is integer). */
  readonly count?: ConditionNode
  readonly path: string
}

export type FilterNode = LogicalNode | ConditionNode | RelationNode

/** The filter that lets every row through (`{}`). */
export const MATCH_ALL: FilterNode = Object.freeze({ kind: 'and', children: Object.freeze([]) })

/**
 * Variables a filter uses, e.g. to know whether a cached result depends on the caller.
 * @example
 * variablesOf(parseFilter({ owner: '$CURRENT_USER' })) // Set { 'CURRENT_USER' }
 */
export function variablesOf(node: FilterNode, into = new Set<string>()): Set<string> {
  if (node.kind === 'condition') {
    for (const operand of node.operands) if (operand.kind === 'variable') into.add(operand.name)
  } else if (node.kind === 'relation') {
    variablesOf(node.filter, into)
    if (node.reach) variablesOf(node.reach, into)
    if (node.followWhen) variablesOf(node.followWhen, into)
    if (node.count) variablesOf(node.count, into)
  } else {
    for (const child of node.children) variablesOf(child, into)
  }
  return into
}
