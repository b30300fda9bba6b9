// Collection schemas as MCP resources (`backlex://collections/<slug>`), when @backlex/collections
// is installed, drawn per caller by it as its collections tools are: only collections the caller
// has a rule on, only readable fields, relations to readable collections, tables for admins only.
import type { CollectionsService, CollectionView } from '@backlex/collections/contract'
import { type ErrorCode, McpError } from '@modelcontextprotocol/sdk/types.js'
import type { McpCaller } from './caller.js'
import { McpErrors } from './errors.js'

export const COLLECTION_URI_PREFIX = 'backlex://collections/'
const MIME = 'application/json'

/** MCP's "resource not found" error code (not in the SDK's ErrorCode enum). */
const RESOURCE_NOT_FOUND = -32002

/** The collections as `caller` may see them (the view of @backlex/collections' own tools). */
function visibleSchemas(caller: McpCaller, collections: CollectionsService) {
  return collections.visibleTo(caller.principal, caller.workspace)
}

function describe(schema: CollectionView) {
  return {
    uri: `${COLLECTION_URI_PREFIX}${schema.slug}`,
    name: schema.slug,
    description:
      typeof schema.note === 'string' && schema.note !== ''
        ? schema.note
        : `Schema of the collection "${schema.slug}": fields, primary key and relations.`,
    mimeType: MIME,
  }
}

/**
 * resources/list: the collections the caller may read.
 * @example
 * const { resources } = await listCollectionResources(caller, collections)
 */
export async function listCollectionResources(caller: McpCaller, collections: CollectionsService) {
  return { resources: (await visibleSchemas(caller, collections)).map(describe) }
}

/** resources/templates/list: one template, so a client can read a collection by slug. */
export function collectionResourceTemplates() {
  return {
    resourceTemplates: [
      {
        uriTemplate: `${COLLECTION_URI_PREFIX}{slug}`,
        name: 'collection-schema',
        description: 'The schema of one collection (the fields you may read), as JSON.',
        mimeType: MIME,
      },
    ],
  }
}

/**
 * resources/read of `backlex://collections/<slug>`; a collection the caller may not read is
 * reported missing, like one that does not exist.
 * @example
 * await readCollectionResource(caller, collections, 'backlex://collections/posts')
 */
export async function readCollectionResource(
  caller: McpCaller,
  collections: CollectionsService,
  uri: string,
) {
  const notFound = () => {
    const error = McpErrors.RESOURCE_NOT_FOUND(uri)
    return new McpError(RESOURCE_NOT_FOUND as ErrorCode, error.message, { code: error.code, uri })
  }
  if (!uri.startsWith(COLLECTION_URI_PREFIX)) throw notFound()
  const slug = uri.slice(COLLECTION_URI_PREFIX.length)
  if (!/^[a-z][a-z0-9_]{0,62}$/.test(slug)) throw notFound()
  const visible = (await visibleSchemas(caller, collections)).find((s) => s.slug === slug)
  if (!visible) throw notFound()
  return { contents: [{ uri, mimeType: MIME, text: JSON.stringify(visible, null, 2) }] }
}
