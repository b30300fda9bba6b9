// The extension point other plugins add GraphQL types and root fields through. A contribution
// is called for every schema built (once per workspace, schema version and role set).
import type { RequestContext } from '@backlex/kernel'
import { defineExtensionPoint } from '@backlex/kernel'
import type { GraphQLFieldConfigMap, GraphQLNamedType, GraphQLObjectType } from 'graphql'
import type { ItemsService } from './items-service.js'
import type { SchemaView } from './schema/view.js'

/** What every resolver receives as its GraphQL context. */
export interface GraphQLContext {
  /** The request: caller (principal, workspace), request id, logger, kernel. */
  readonly request: RequestContext
  /** The items engine; call it with `request` as the caller so permissions apply. */
  readonly items: ItemsService
  /** The caller's view of the workspace the schema was built from. */
  readonly view: SchemaView
  /** The HTTP request; subscriptions re-check the caller from its credentials. */
  readonly httpRequest: Request
}

/** What a contribution sees while a schema is built. */
export interface GraphQLBuild {
  readonly view: SchemaView
  /** The object type of a collection in this schema (undefined when the caller cannot read it). */
  typeOf(slug: string): GraphQLObjectType | undefined
}

/** Types and root fields to add; names must not clash with generated ones. */
export interface GraphQLSchemaParts {
  types?: GraphQLNamedType[]
  query?: GraphQLFieldConfigMap<unknown, GraphQLContext>
  mutation?: GraphQLFieldConfigMap<unknown, GraphQLContext>
  /** Subscription fields (`subscribe` returns an async iterable); served over SSE. */
  subscription?: GraphQLFieldConfigMap<unknown, GraphQLContext>
}

export type GraphQLContribution = (build: GraphQLBuild) => GraphQLSchemaParts | undefined

/**
 * Adds types and root fields to every generated schema. Generated names start with a collection
 * slug (lower case); start contributed names with an upper-case letter or a camel-case prefix.
 * @example
 * ctx.contribute(GraphQLContributions, () => ({
 *   query: { serverTime: { type: new GraphQLNonNull(GraphQLString), resolve: () => new Date().toISOString() } },
 * }))
 */
export const GraphQLContributions = defineExtensionPoint<GraphQLContribution>(
  'backlex.graphql.contributions',
)
