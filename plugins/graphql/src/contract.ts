// What plugins build against to add GraphQL types and root fields (types only, plus the extension
// point): `@backlex/graphql/contract` pulls in no implementation of this package.
import type { Item, ItemsRuntime as ItemsService } from '@backlex/collections'
import type { RequestContext } from '@backlex/kernel'
import { defineExtensionPoint } from '@backlex/kernel'
import type { ObjectRef } from '@pothos/core'
import type { SchemaView } from './schema/view.js'

export type { CollectionView, SchemaView } from './schema/view.js'

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

/** The scalars the generated schema adds to GraphQL's own, by name, with their JS shapes. */
export type GraphQLScalars = {
  /** Any JSON value. */
  JSON: { Input: unknown; Output: unknown }
  /** A 64-bit integer: a number when it is safe in JavaScript, else a string. */
  BigInt: { Input: string | number; Output: string | number }
  /** An exact decimal, as a string (numbers are accepted as input). */
  Decimal: { Input: string | number; Output: string | number }
}

/** The Pothos schema types of every backlex schema: its context and scalars. */
export type GraphQLSchemaTypes = PothosSchemaTypes.ExtendDefaultTypes<{
  Context: GraphQLContext
  Scalars: GraphQLScalars
}>

/** The Pothos builder a contribution adds to (fields are nullable unless `nullable: false`). */
export type GraphQLBuilder = PothosSchemaTypes.SchemaBuilder<GraphQLSchemaTypes>

/** The object type of a collection: its rows as the items engine returns them. */
export type CollectionObjectRef = ObjectRef<GraphQLSchemaTypes, Item>

/** What a contribution sees while a schema is built. */
export interface GraphQLBuild {
  /** The caller's view the schema is built for (collections it may read, its roles). */
  readonly view: SchemaView
  /** The object type of a collection in this schema (undefined when the caller cannot read it). */
  typeOf(slug: string): CollectionObjectRef | undefined
}

/**
 * Adds types and root fields through the builder; called for every schema built (once per
 * workspace, schema version and role set), so add only what `build` says the caller may see.
 */
export type GraphQLContribution = (builder: GraphQLBuilder, build: GraphQLBuild) => void

/**
 * The extension point `@backlex/graphql` reads contributions from. Generated names start with a
 * collection slug (lower case); start contributed names with an upper-case letter or a camel-case
 * prefix. A plugin whose GraphQL part is optional defines the point by its id with
 * `import type { GraphQLContribution }` instead of importing this value.
 * @example
 * ctx.contribute(GraphQLContributions, (builder) => {
 *   builder.queryField('serverTime', (t) =>
 *     t.string({ nullable: false, resolve: () => new Date().toISOString() }),
 *   )
 * })
 */
export const GraphQLContributions = defineExtensionPoint<GraphQLContribution>(
  'backlex.graphql.contributions',
)
