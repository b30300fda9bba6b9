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
import { type CollectionModel, isJunctionScope, type WorkspaceSchema } from '../model/model.js'

/** Loads (and memoizes per request) the caller's read access to another collection. */
export type AccessLoader = (slug: string) => Promise<CollectionAccess | undefined>

const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value)

const and = (a: FilterNode, b: FilterNode): FilterNode => ({ kind: 'and', children: [a, b] })

/**
 * Many-to-many fields are filtered through their junction: `{ tags: { name: {...} } }` becomes
 * `{ tags: { _some: { <targetColumn>: { name: {...} } } } }`, which the DSL can follow.
 */
function throughJunctions(
  value: unknown,
  model: CollectionModel,
  schema: WorkspaceSchema,
): unknown {
  if (!isPlainObject(value)) return value
  // No prototype: a `__proto__` key stays a key (and parseFilter rejects it).
  const out: Record<string, unknown> = Object.create(null)
  const extra: unknown[] = []
  for (const [key, item] of Object.entries(value)) {
    if (key === '_and' || key === '_or') {
      out[key] = Array.isArray(item) ? item.map((x) => throughJunctions(x, model, schema)) : item
      continue
    }
    const dot = key.indexOf('.')
    const head = dot === -1 ? key : key.slice(0, dot)
    const relation = model.relations.get(head)
    const target = relation && schema.collection(relation.target)
    if (!relation || !target) {
      out[key] = item
      continue
    }
    const nested: unknown = dot === -1 ? item : { [key.slice(dot + 1)]: item }
    let rewritten: unknown = nested
    if (isPlainObject(nested)) {
      if (relation.kind === 'm2o') {
        // Operators on the key itself (`{ _eq: 5 }`) pass through unchanged.
        rewritten = throughJunctions(nested, target, schema)
      } else {
        const keys = Object.keys(nested)
        const quantifier =
          keys.length === 1 && (keys[0] === '_some' || keys[0] === '_none') ? keys[0] : undefined
        const through = throughJunctions(quantifier ? nested[quantifier] : nested, target, schema)
        rewritten =
          relation.kind === 'm2m'
            ? { [quantifier ?? '_some']: { [relation.targetColumn]: through } }
            : quantifier
              ? { [quantifier]: through }
              : through
      }
    }
    if (Object.hasOwn(out, head)) extra.push({ [head]: rewritten })
    else out[head] = rewritten
  }
  return extra.length > 0 ? { _and: [out, ...extra] } : out
}

/** Walks a parsed filter and applies the caller's read access at every level. */
async function guard(
  node: FilterNode,
  access: CollectionAccess | undefined,
  scope: string,
  load: AccessLoader,
): Promise<FilterNode> {
  switch (node.kind) {
    case 'and':
    case 'or':
      return {
        kind: node.kind,
        children: await Promise.all(node.children.map((c) => guard(c, access, scope, load))),
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
  const ast = parseFilter(throughJunctions(raw, model, schema), model.filterSchema, {
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
