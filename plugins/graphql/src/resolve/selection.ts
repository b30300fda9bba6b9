// A GraphQL selection set -> the items `fields` and `deep` query, so that one items call reads
// the whole tree (the items engine loads each relation level in one batched query).
import {
  type FieldNode,
  type FragmentDefinitionNode,
  GraphQLIncludeDirective,
  GraphQLObjectType,
  type GraphQLSchema,
  GraphQLSkipDirective,
  getArgumentValues,
  getDirectiveValues,
  getNamedType,
  type SelectionSetNode,
} from 'graphql'
import { GraphQLErrors } from '../errors.js'
import type { DeepQuery } from '../items-service.js'
import type { SchemaView } from '../schema/view.js'
import { toItemsFilter } from './filter.js'

export interface SelectionScope {
  schema: GraphQLSchema
  view: SchemaView
  fragments: Record<string, FragmentDefinitionNode>
  variables: Record<string, unknown>
}

export interface ItemsShape {
  fields: string[]
  deep: Record<string, DeepQuery>
}

const included = (
  node: FieldNode | { directives?: FieldNode['directives'] },
  scope: SelectionScope,
) => {
  const skip = getDirectiveValues(GraphQLSkipDirective, node, scope.variables)
  if (skip?.if === true) return false
  const include = getDirectiveValues(GraphQLIncludeDirective, node, scope.variables)
  return include?.if !== false
}

/** Every field node of a selection set, fragments spread, @skip / @include applied. */
export function fieldNodes(
  selectionSet: SelectionSetNode | undefined,
  scope: SelectionScope,
): FieldNode[] {
  const out: FieldNode[] = []
  const visit = (set: SelectionSetNode | undefined, seen: Set<string>) => {
    for (const selection of set?.selections ?? []) {
      if (!included(selection, scope)) continue
      if (selection.kind === 'Field') out.push(selection)
      else if (selection.kind === 'InlineFragment') visit(selection.selectionSet, seen)
      else {
        const name = selection.name.value
        const fragment = scope.fragments[name]
        if (!fragment || seen.has(name)) continue
        visit(fragment.selectionSet, new Set([...seen, name]))
      }
    }
  }
  visit(selectionSet, new Set())
  return out
}

function relationOptions(
  args: Record<string, unknown>,
  view: SchemaView,
  target: string,
): DeepQuery {
  const deep: DeepQuery = { relations: {} }
  if (args.filter && typeof args.filter === 'object') {
    deep.filter = toItemsFilter(view, target, args.filter as Record<string, unknown>)
  }
  if (Array.isArray(args.sort)) deep.sort = args.sort as string[]
  if (typeof args.limit === 'number') deep.limit = args.limit
  if (typeof args.offset === 'number') deep.offset = args.offset
  return deep
}

/**
 * Translates the selection of a collection's object type into `fields` and `deep`.
 * @example
 * // { id author { name } comments(limit: 3) { body } }
 * // -> { fields: ['id', 'author.name', 'comments.body'], deep: { comments: { limit: 3, relations: {} } } }
 */
export function itemsShape(
  nodes: readonly FieldNode[],
  slug: string,
  scope: SelectionScope,
): ItemsShape {
  const fields: string[] = []
  const deep: Record<string, DeepQuery> = {}
  walk(
    nodes.flatMap((n) => fieldNodes(n.selectionSet, scope)),
    slug,
    '',
    fields,
    deep,
    scope,
  )
  return { fields, deep }
}

function walk(
  nodes: readonly FieldNode[],
  slug: string,
  prefix: string,
  fields: string[],
  deep: Record<string, DeepQuery>,
  scope: SelectionScope,
): void {
  const type = scope.schema.getType(slug)
  const def = scope.view.collections.get(slug)?.definition
  if (!(type instanceof GraphQLObjectType) || !def) return
  const graphFields = type.getFields()
  const groups = new Map<string, FieldNode[]>()
  for (const node of nodes) {
    const name = node.name.value
    if (name.startsWith('__')) continue
    const list = groups.get(name)
    if (list) list.push(node)
    else groups.set(name, [node])
  }
  if (groups.size === 0) fields.push(`${prefix}${def.primaryKey.name}`)
  for (const [name, group] of groups) {
    const graphField = graphFields[name]
    const relation = def.relations.find((r) => r.field === name)
    const target = getNamedType(graphField?.type)
    if (!graphField || !relation || !(target instanceof GraphQLObjectType)) {
      fields.push(`${prefix}${name}`)
      continue
    }
    if (relation.type !== 'm2o') {
      const options = group.map((node) => getArgumentValues(graphField, node, scope.variables))
      const first = JSON.stringify(options[0] ?? {})
      if (options.some((o) => JSON.stringify(o) !== first)) {
        throw GraphQLErrors.CONFLICTING_RELATION_ARGS(`${prefix}${name}`)
      }
      deep[name] = relationOptions(options[0] ?? {}, scope.view, relation.collection)
    }
    const children = group.flatMap((node) => fieldNodes(node.selectionSet, scope))
    const nested: Record<string, DeepQuery> = {}
    walk(children, relation.collection, `${prefix}${name}.`, fields, nested, scope)
    if (Object.keys(nested).length > 0) {
      deep[name] = { ...(deep[name] ?? {}), relations: nested }
    }
  }
}
