// The items engine of @backlex/collections, as this plugin uses it: every resolver goes through
// it, so GraphQL applies exactly the permissions REST applies.
export {
  type AggregateFunction,
  type BatchSelection,
  type DeepQuery,
  type Item,
  Items,
  type ItemsCaller,
  type ItemsQuery,
  type ItemsRuntime as ItemsService,
} from '@backlex/collections/contract'
