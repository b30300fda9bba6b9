// Static checks of an operation before it runs: how deep its selection nests and roughly how
// many rows it may read (a list multiplies what it selects below it by its `limit`).
import {
  type FragmentDefinitionNode,
  GraphQLObjectType,
  type GraphQLOutputType,
  type GraphQLSchema,
  getNamedType,
  isListType,
  isNonNullType,
  Kind,
  type OperationDefinitionNode,
  type SelectionSetNode,
  valueFromASTUntyped,
} from 'graphql'
import { GraphQLErrors } from '../errors.js'

export interface QueryLimits {
  maxDepth: number
  maxCost: number
  /** Rows assumed for a list read without a `limit` argument. */
  defaultListSize: number
  /** Rows a `limit: -1` may read. */
  maxListSize: number
}

const returnsList = (type: GraphQLOutputType): boolean =>
  isNonNullType(type) ? returnsList(type.ofType) : isListType(type)

/**
 * Throws GRAPHQL_DEPTH_LIMIT or GRAPHQL_COST_LIMIT when `operation` passes a limit.
 * Introspection fields (`__schema`, `__type`) are not counted: they read no rows.
 * @example
 * checkLimits(schema, operation, fragments, variables, { maxDepth: 10, maxCost: 100_000, defaultListSize: 100, maxListSize: 1000 })
 */
export function checkLimits(
  schema: GraphQLSchema,
  operation: OperationDefinitionNode,
  fragments: Record<string, FragmentDefinitionNode>,
  variables: Record<string, unknown>,
  limits: QueryLimits,
): void {
  let deepest = 0
  const rowsOf = (
    set: SelectionSetNode | undefined,
    parent: GraphQLObjectType | undefined,
    depth: number,
    seen: ReadonlySet<string>,
  ): number => {
    let cost = 0
    for (const selection of set?.selections ?? []) {
      if (selection.kind === Kind.INLINE_FRAGMENT) {
        cost += rowsOf(selection.selectionSet, parent, depth, seen)
        continue
      }
      if (selection.kind === Kind.FRAGMENT_SPREAD) {
        const name = selection.name.value
        const fragment = fragments[name]
        if (fragment && !seen.has(name))
          cost += rowsOf(fragment.selectionSet, parent, depth, new Set([...seen, name]))
        continue
      }
      const name = selection.name.value
      if (name.startsWith('__')) continue
      deepest = Math.max(deepest, depth + 1)
      if (!selection.selectionSet) continue
      const field = parent?.getFields()[name]
      const named = field ? getNamedType(field.type) : undefined
      const child = named instanceof GraphQLObjectType ? named : undefined
      let rows = 1
      if (field && returnsList(field.type)) {
        const arg = selection.arguments?.find((a) => a.name.value === 'limit')
        const limit = arg ? valueFromASTUntyped(arg.value, variables) : undefined
        rows =
          typeof limit === 'number' && limit >= 0
            ? limit
            : limit === -1
              ? limits.maxListSize
              : limits.defaultListSize
      }
      cost += rows * (1 + rowsOf(selection.selectionSet, child, depth + 1, seen))
    }
    return cost
  }
  const root =
    operation.operation === 'mutation'
      ? schema.getMutationType()
      : operation.operation === 'subscription'
        ? schema.getSubscriptionType()
        : schema.getQueryType()
  const cost = rowsOf(operation.selectionSet, root ?? undefined, 0, new Set())
  if (deepest > limits.maxDepth) throw GraphQLErrors.DEPTH_LIMIT(deepest, limits.maxDepth)
  if (cost > limits.maxCost) throw GraphQLErrors.COST_LIMIT(cost, limits.maxCost)
}
