// @backlex/collections: dynamic collections (managed tables created at runtime, adopted
// existing tables), their schema API and the items API. Storage convention: ./column-types.

export type { InspectedColumn, InspectedForeignKey, TableInspection } from './adopt/introspect.js'
export { type CollectionsErrorCode, CollectionsErrors } from './errors.js'
export {
  ACTIVITY_ACTION,
  type ActivityEntry,
  ActivityLog,
  type ActivityLogService,
} from './items/audit/activity-log.js'
export { ACTIVITY_TABLE } from './items/audit/migrations.js'
export {
  type Activity,
  type ActivityQuery,
  AGGREGATE_FUNCTIONS,
  type AggregateFunction,
  type BatchSelection,
  createItemsRuntime,
  type DeepQuery,
  ITEM_EVENTS,
  type Item,
  type ItemKey,
  Items,
  type ItemsCaller,
  type ItemsChangedEvent,
  type ItemsCommittingPayload,
  type ItemsCreatePayload,
  type ItemsDeletePayload,
  type ItemsErrorCode,
  ItemsErrors,
  type ItemsOptions,
  type ItemsQuery,
  type ItemsQueryInput,
  type ItemsRuntime,
  type ItemsUpdatePayload,
  itemsOptions,
  itemsQueryInput,
  normalizeQuery,
  type Revision,
} from './items/index.js'
export { COLLECTIONS_TABLE } from './migrations.js'
export {
  addCollectionsToDocument,
  type DocumentCaller,
  itemInputSchemaName,
  itemSchemaName,
} from './openapi.js'
export { filterSchemaOf, relationResolver } from './permissions-source.js'
export { type CollectionsOptions, collections, collectionsOptions } from './plugin.js'
export { requireCollectionsAdmin } from './routes.js'
export * from './schema/column-types.js'
export * from './schema/definition.js'
export { type CollectionPatch, collectionPatch, fieldChange } from './schema/patch.js'
export { managedTableName, NOW_DEFAULT } from './schema/validate.js'
export { type CollectionView, type RelationView, visibleCollections } from './schema/visible.js'
export {
  type AdoptableTable,
  type CollectionChange,
  Collections,
  type CollectionsService,
} from './service-types.js'
