// The items half of @backlex/collections: the items REST API and query language and the items.*
// tools, over the items runtime (`Items`, token in ../contract.ts). Registered by ../plugin.ts.
export { type ItemsErrorCode, ItemsErrors } from './errors.js'
export { type ItemsOptions, type ItemsOptionsInput, itemsOptions } from './options.js'
export { normalizeQuery } from './query/normalize.js'
export { itemsQueryReader } from './query/reader.js'
export { itemsQueryInput } from './query/schema.js'
export type { DeepQuery, ItemsQuery, ItemsQueryInput } from './query/types.js'
export { readQueryString } from './query/url.js'
export type { Item } from './read/select.js'
export { itemRoutes } from './routes.js'
export { createItemsRuntime, type ItemsDeps } from './service.js'
export { itemTools } from './tools.js'
