// @backlex/graphql: a GraphQL API generated from the live collections, per caller, resolved
// through the items engine so that every permission rule of the REST API applies.
export {
  type CollectionObjectRef,
  type GraphQLBuild,
  type GraphQLBuilder,
  type GraphQLContext,
  type GraphQLContribution,
  GraphQLContributions,
  type GraphQLScalars,
  type GraphQLSchemaTypes,
} from './contract.js'
export { type GraphQLErrorCode, GraphQLErrors } from './errors.js'
export { type GraphQLOptions, type GraphQLOptionsInput, graphqlOptions } from './options.js'
export { graphql } from './plugin.js'
export { type BuildOptions, buildSchema } from './schema/build.js'
export { type CollectionView, type SchemaView, schemaView } from './schema/view.js'
