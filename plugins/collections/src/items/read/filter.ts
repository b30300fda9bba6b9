// A caller's filter (and search) on a collection, checked against what it may read: every field
// it names must be visible, each relation it follows only reaches rows the caller may read, and
// a field visible on some rows only matches there. So a filter can never reveal a hidden value.
import {
  type ConditionNode,
  type FilterNode,
  parseFilter,
  type RelationNode,
} from '@backlex/permissions'
import type { CollectionAccess } from '../access.js'
import { ItemsErrors } from '../errors.js'
import { isJunctionScope, type WorkspaceSchema } from '../model/model.js'

/** Loads (and memoizes per request) the caller's read access to another collection. */
export type AccessLoader = (slug: string) => Promise<CollectionAccess | undefined>

const and = (a: FilterNode, b: FilterNode): FilterNode => ({ kind: 'and', children: [a, b] })

/** Walks a parsed filter and applies the caller's read access at every level. */
async function guard(
  node: FilterNode,
  access: CollectionAccess | undefined,
  scope: string,
  load: AccessLoader,
): Promise<FilterNode> {
  switch (node.kind) {
    case 'and':
    case 'or': {
      // One child after the other: a refused child leaves no other check running.
      const children: FilterNode[] = []
      for (const child of node.children) children.push(await guard(child, access, scope, load))
      return { kind: node.kind, children }
    }
    case 'condition':
      return guardCondition(node, access, scope)
    case 'relation':
      return guardRelation(node, access, scope, load)
  }
}

function guardCondition(
  node: ConditionNode,
  access: CollectionAccess | undefined,
  scope: string,
): FilterNode {
  if (!access) {
    // Inside a junction: only the link to the target may be followed, not compared directly.
    throw ItemsErrors.INVALID_FILTER(
      node.path,
      `filter on the related items' fields instead, e.g. { "${scope.split('.')[1] ?? 'field'}": { "name": { "_eq": ... } } }`,
    )
  }
  const visibility = access.require(node.field, node.path)
  return visibility.kind === 'where' ? and(node, visibility.filter.ast) : node
}

async function guardRelation(
  node: RelationNode,
  access: CollectionAccess | undefined,
  scope: string,
  load: AccessLoader,
): Promise<FilterNode> {
  const visibility = access ? access.require(node.field, node.path) : undefined
  const target = node.relation.collection
  let inner: FilterNode
  let reach: FilterNode | undefined
  if (isJunctionScope(target)) {
    inner = await guard(node.filter, undefined, target, load)
  } else {
    const related = await load(target)
    if (!related) throw forbiddenRelation(access, scope, node.field, node.path, target)
    inner = await guard(node.filter, related, target, load)
    // A many-to-one reaches only related items the caller may read; one it may not read counts
    // as missing (a row of NULLs), as when sorting through it. To-many relations only count
    // the related items it may read.
    if (related.rows) {
      if (node.quantifier === 'one') reach = related.rows.ast
      else inner = and(inner, related.rows.ast)
    }
  }
  const guarded: RelationNode = { ...node, filter: inner, ...(reach ? { reach } : {}) }
  if (visibility?.kind !== 'where') return guarded
  // A many-to-one key the caller sees on some rows only is NULL elsewhere: no related item there.
  if (node.quantifier === 'one') return { ...guarded, followWhen: visibility.filter.ast }
  return and(guarded, visibility.filter.ast)
}

/** FIELD_FORBIDDEN naming the collection a relation leads to, which the caller may not read. */
function forbiddenRelation(
  access: CollectionAccess | undefined,
  scope: string,
  field: string,
  path: string,
  target: string,
) {
  if (access) return ItemsErrors.FIELD_FORBIDDEN(access.model.slug, field, path, 'read', target)
  // Inside a junction (`articles.tags`): the caller named the many-to-many field itself.
  const [collection = scope, relation = field] = scope.split('.')
  return ItemsErrors.FIELD_FORBIDDEN(collection, relation, path, 'read', target)
}

/**
 * Parses a caller's filter on `access.model` and returns it with the caller's read access
 * applied; INVALID_FILTER for a malformed filter, FIELD_FORBIDDEN for a hidden field.
 * @example
 * const ast = await userFilter({ 'author.name': { _eq: 'Ada' } }, 'filter', access, schema, load)
 */
export async function userFilter(
  raw: Record<string, unknown>,
  path: string,
  access: CollectionAccess,
  schema: WorkspaceSchema,
  load: AccessLoader,
): Promise<FilterNode> {
  const model = access.model
  // Straight to the one parser, whose depth limit comes before any recursion over the input.
  const ast = parseFilter(raw, model.filterSchema, {
    collection: model.slug,
    relations: schema.resolver,
    path,
  })
  return guard(ast, access, model.slug, load)
}

const NUMERIC_TYPES: ReadonlySet<string> = new Set(['integer', 'bigInteger', 'float', 'decimal'])
const INTEGER_TYPES: ReadonlySet<string> = new Set(['integer', 'bigInteger'])

/**
 * The number a search term writes, when it writes one as JavaScript would (`42`, `-1.5`; not
 * `042`, `1e3` or ` 42`): Directus's rule for searching numeric fields.
 */
export function searchNumber(text: string): number | undefined {
  const n = Number(text)
  return Number.isFinite(n) && String(n) === text ? n : undefined
}

/**
 * `?search=`: the searchable fields the caller can read contain the text, ASCII case folded (as
 * `_icontains`), and when the text is a number, numeric fields (the primary key included, unless
 * a field says `searchable: false`) equal it. Nothing searchable and visible: nothing matches.
 */
export function searchFilter(text: string, access: CollectionAccess): FilterNode {
  const children: FilterNode[] = []
  const add = (field: string, condition: ConditionNode) => {
    const visibility = access.visibility(field)
    if (visibility.kind === 'none') return
    children.push(visibility.kind === 'where' ? and(condition, visibility.filter.ast) : condition)
  }
  for (const field of access.model.searchable) {
    const column = access.model.columns.get(field)
    add(field, {
      kind: 'condition',
      field,
      type: column?.type ?? 'string',
      operator: '_icontains',
      operands: [{ kind: 'value', value: text }],
      path: 'search',
    })
  }
  const number = searchNumber(text)
  if (number !== undefined) {
    for (const column of access.model.columns.values()) {
      if (!NUMERIC_TYPES.has(column.type) || column.m2o || column.definition?.searchable === false)
        continue
      // An integer field never equals a fraction: no condition to run.
      if (INTEGER_TYPES.has(column.type) && !Number.isInteger(number)) continue
      add(column.name, {
        kind: 'condition',
        field: column.name,
        type: column.type,
        operator: '_eq',
        operands: [{ kind: 'value', value: number }],
        path: 'search',
      })
    }
  }
  return { kind: 'or', children }
}
