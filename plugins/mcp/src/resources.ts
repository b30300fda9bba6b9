// Collection schemas as MCP resources (`backlex://collections/<slug>`), when @backlex/collections
// is installed. A caller sees a collection only if it may read it, and only the fields it may read.
import { type ErrorCode, McpError } from '@modelcontextprotocol/sdk/types.js'
import type { McpCaller } from './caller.js'
import { McpErrors } from './errors.js'
import {
  type CollectionSchemaLike,
  type CollectionSchemaReader,
  ReadRules,
} from './optional-services.js'

export const COLLECTION_URI_PREFIX = 'backlex://collections/'
const MIME = 'application/json'

/** MCP's "resource not found" error code (not in the SDK's ErrorCode enum). */
const RESOURCE_NOT_FOUND = -32002

/** The schema as `caller` may see it, or null when it may not read the collection at all. */
async function visibleSchema(
  caller: McpCaller,
  schema: CollectionSchemaLike,
): Promise<CollectionSchemaLike | null> {
  const { principal } = caller
  if (principal.admin || principal.type === 'system') return schema
  const rules = caller.kernel.tryGet(ReadRules)
  // Without permission rules there is no way to tell what a non-admin may read: nothing.
  if (!rules) return null
  const granted = await rules.rulesFor(principal, {
    workspace: caller.workspace,
    collection: schema.slug,
    action: 'read',
  })
  if (!granted) return null
  if (granted.fields === '*') return schema
  const readable = new Set(granted.fields)
  const { table: _table, ...rest } = schema
  const relations = Array.isArray(schema.relations)
    ? (schema.relations as { field?: unknown }[]).filter(
        (r) => typeof r.field === 'string' && readable.has(r.field),
      )
    : undefined
  return {
    ...rest,
    fields: schema.fields.filter((f) => readable.has(f.name)),
    ...(relations ? { relations } : {}),
  }
}

function describe(schema: CollectionSchemaLike) {
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
export async function listCollectionResources(
  caller: McpCaller,
  collections: CollectionSchemaReader,
) {
  const all = await collections.list(caller.workspace)
  const visible = await Promise.all(all.map((schema) => visibleSchema(caller, schema)))
  return {
    resources: visible.filter((s): s is CollectionSchemaLike => s !== null).map(describe),
  }
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
  collections: CollectionSchemaReader,
  uri: string,
) {
  const notFound = () => {
    const error = McpErrors.RESOURCE_NOT_FOUND(uri)
    return new McpError(RESOURCE_NOT_FOUND as ErrorCode, error.message, { code: error.code, uri })
  }
  if (!uri.startsWith(COLLECTION_URI_PREFIX)) throw notFound()
  const slug = uri.slice(COLLECTION_URI_PREFIX.length)
  if (!/^[a-z][a-z0-9_]{0,62}$/.test(slug)) throw notFound()
  const schema = await collections.get(caller.workspace, slug)
  const visible = schema ? await visibleSchema(caller, schema) : null
  if (!visible) throw notFound()
  return { contents: [{ uri, mimeType: MIME, text: JSON.stringify(visible, null, 2) }] }
}
