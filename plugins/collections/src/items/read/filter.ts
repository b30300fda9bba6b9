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
  if (isJunctionScope(target)) {
    inner = await guard(node.filter, undefined, target, load)
  } else {
    const related = await load(target)
    if (!related) {
      throw ItemsErrors.FIELD_FORBIDDEN(access?.model.slug ?? scope, node.field, node.path, 'read')
    }
    inner = await guard(node.filter, related, target, load)
    if (related.rows) inner = and(inner, related.rows.ast)
  }
  const guarded: RelationNode = { ...node, filter: inner }
  return visibility?.kind === 'where' ? and(guarded, visibility.filter.ast) : guarded
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

/**
 * `?search=`: the searchable fields the caller can read contain the text, ASCII case folded (as
 * `_icontains`). Nothing searchable and visible: nothing matches.
 */
export function searchFilter(text: string, access: CollectionAccess): FilterNode {
  const children: FilterNode[] = []
  for (const field of access.model.searchable) {
    const visibility = access.visibility(field)
    if (visibility.kind === 'none') continue
    const column = access.model.columns.get(field)
    const condition: ConditionNode = {
      kind: 'condition',
      field,
      type: column?.type ?? 'string',
      operator: '_icontains',
      operands: [{ kind: 'value', value: text }],
      path: 'search',
    }
    children.push(visibility.kind === 'where' ? and(condition, visibility.filter.ast) : condition)
  }
  return { kind: 'or', children }
}
