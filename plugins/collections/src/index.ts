// @backlex/collections: dynamic collections (managed tables created at runtime, adopted
// existing tables), their schema API and the items API. Tokens, events and service types:
// ./contract (`@backlex/collections/contract`); storage convention: ./column-types.

export { type AdoptErrorCode, AdoptErrors } from './adopt/errors.js'
export type { InspectedColumn, InspectedForeignKey, TableInspection } from './adopt/introspect.js'
export {
  type AdoptableTable,
  AGGREGATE_FUNCTIONS,
  type AggregateFunction,
  type BatchSelection,
  type CollectionChange,
  Collections,
  type CollectionsService,
  ITEMS_QUERY_LIMITS,
  ITEMS_QUERY_PARAMETERS,
  type Item,
  type ItemKey,
  Items,
  type ItemsCaller,
  type ItemsChangedEvent,
  ItemsCommitting,
  type ItemsCommittingPayload,
  ItemsCreate,
  ItemsCreated,
  type ItemsCreatePayload,
  ItemsDelete,
  ItemsDeleted,
  type ItemsDeletePayload,
  type ItemsQueryParameter,
  type ItemsQueryReader,
  type ItemsRuntime,
  type ItemsShape,
  ItemsUpdate,
  ItemsUpdated,
  type ItemsUpdatePayload,
  type ListResult,
  META_KEYS,
  type MetaKey,
  type ReadSearchParamsOptions,
  type Revision,
  type RevisionActivity,
} from './contract.js'
export {
  createItemsRuntime,
  type DeepQuery,
  type ItemsDeps,
  type ItemsErrorCode,
  ItemsErrors,
  type ItemsOptions,
  type ItemsQuery,
  type ItemsQueryInput,
  itemsOptions,
  itemsQueryInput,
  itemsQueryReader,
  normalizeQuery,
} from './items/index.js'
export {
  addCollectionsToDocument,
  type DocumentCaller,
  itemInputSchemaName,
  itemSchemaName,
} from './openapi.js'
export { filterSchemaOf, relationResolver } from './permissions-source.js'
export { type CollectionsOptions, collections, collectionsOptions } from './plugin.js'
export {
  type ItemActivityEntry,
  type ItemsActivityLog,
  REVISIONS_TABLE,
  type RevisionsErrorCode,
  RevisionsErrors,
} from './revisions/index.js'
export * from './schema/column-types.js'
export * from './schema/definition.js'
export { type CollectionsErrorCode, CollectionsErrors } from './schema/errors.js'
export { COLLECTIONS_TABLE } from './schema/migrations.js'
export { type CollectionPatch, collectionPatch, fieldChange } from './schema/patch.js'
export { requireCollectionsAdmin } from './schema/routes.js'
export { managedTableName, NOW_DEFAULT } from './schema/validate.js'
export { type CollectionView, type RelationView, visibleCollections } from './schema/visible.js'
