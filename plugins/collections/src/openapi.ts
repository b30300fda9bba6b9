// Per-collection entries of /api/openapi: a component schema per collection (the item as the
// API returns it, and as it is written) and the item paths /api/items/<slug>[/{id}].
import { DEFAULT_WORKSPACE, type OpenApiDocument } from '@backlex/kernel'
import type { CollectionDefinition, FieldDefinition } from './schema/definition.js'
import { foreignKeyType } from './schema/validate.js'
import type { CollectionsService } from './service-types.js'

type JsonSchema = Record<string, unknown>

/** Component names: `Item_<slug>` (read) and `ItemInput_<slug>` (create / update). */
export const itemSchemaName = (slug: string) => `Item_${slug}`
export const itemInputSchemaName = (slug: string) => `ItemInput_${slug}`

/** The JSON Schema of one field's API value (see API_FORMS in column-types). */
export function fieldJsonSchema(
  field: Pick<FieldDefinition, 'type' | 'length' | 'choices'>,
): JsonSchema {
  switch (field.type) {
    case 'string':
      return { type: 'string', maxLength: field.length ?? 255 }
    case 'text':
      return { type: 'string' }
    case 'enum':
      return { type: 'string', enum: field.choices ?? [] }
    case 'uuid':
      return { type: 'string', format: 'uuid' }
    case 'integer':
      return { type: 'integer' }
    case 'bigInteger':
      return { type: ['integer', 'string'], pattern: '^-?[0-9]+$' }
    case 'float':
      return { type: 'number' }
    case 'decimal':
      return { type: ['string', 'number'], pattern: '^-?[0-9]+(\\.[0-9]+)?$' }
    case 'boolean':
      return { type: 'boolean' }
    case 'date':
      return { type: 'string', format: 'date' }
    case 'time':
      return { type: 'string', pattern: '^[0-2][0-9]:[0-5][0-9]:[0-5][0-9]$' }
    case 'datetime':
    case 'timestamp':
      return { type: 'string', format: 'date-time' }
    case 'json':
      return {}
  }
}

const nullable = (schema: JsonSchema): JsonSchema =>
  Object.keys(schema).length === 0 ? schema : { anyOf: [schema, { type: 'null' }] }

const keySchema = (def: CollectionDefinition): JsonSchema =>
  fieldJsonSchema({ type: foreignKeyType(def) })

/** The item of `def` as read (`input`: false) or written (`input`: true). */
export function itemJsonSchema(
  def: CollectionDefinition,
  lookup: (slug: string) => CollectionDefinition | undefined,
  input: boolean,
): JsonSchema {
  const properties: Record<string, JsonSchema> = {}
  const required: string[] = []
  const pk = keySchema(def)
  if (!input || def.primaryKey.type !== 'integer')
    properties[def.primaryKey.name] = { ...pk, ...(input ? {} : { readOnly: true }) }
  if (!input) required.push(def.primaryKey.name)
  for (const field of def.fields) {
    const schema = fieldJsonSchema(field)
    properties[field.name] = field.required ? schema : nullable(schema)
  }
  for (const relation of def.relations) {
    const target = lookup(relation.collection)
    if (!target) continue
    const ref = { $ref: `#/components/schemas/${itemSchemaName(target.slug)}` }
    const key = keySchema(target)
    if (relation.type === 'm2o') {
      const value = input ? key : { anyOf: [key, ref] }
      properties[relation.field] = relation.required ? value : nullable(value)
    } else {
      properties[relation.field] = { type: 'array', items: input ? key : { anyOf: [key, ref] } }
    }
  }
  return {
    type: 'object',
    ...(def.note ? { description: def.note } : {}),
    properties,
    ...(required.length > 0 ? { required } : {}),
  }
}

/**
 * Adds every live collection of `workspace` to the document. Item paths are added only where
 * the items routes did not already describe them.
 */
export async function addCollectionsToDocument(
  document: OpenApiDocument,
  collections: CollectionsService,
  workspace: string = DEFAULT_WORKSPACE,
): Promise<void> {
  const all = await collections.list(workspace)
  const lookup = (slug: string) => all.find((c) => c.slug === slug)
  for (const def of all) {
    document.components.schemas[itemSchemaName(def.slug)] = itemJsonSchema(def, lookup, false)
    document.components.schemas[itemInputSchemaName(def.slug)] = itemJsonSchema(def, lookup, true)
  }
  addItemPaths(document, all)
}

const errorResponses = {
  '4XX': { $ref: '#/components/responses/Error' },
  '5XX': { $ref: '#/components/responses/Error' },
}

type Operation = { parameters?: { name: string; in: string }[] }

/**
 * The query parameters the generic items route documents for `method` (the items half owns the
 * query language), without its `slug` / `id` path parameters.
 */
function queryParameters(document: OpenApiDocument, path: string, method: string): unknown[] {
  const operation = document.paths[path]?.[method] as Operation | undefined
  return (operation?.parameters ?? []).filter((p) => p.in === 'query')
}

const GENERIC_LIST = '/api/items/{slug}'
const GENERIC_ONE = '/api/items/{slug}/{id}'

/** `/api/items/<slug>` and `/api/items/<slug>/{id}`, shaped like the generic items routes. */
function addItemPaths(document: OpenApiDocument, all: readonly CollectionDefinition[]) {
  for (const def of all) {
    const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` })
    const item = ref(itemSchemaName(def.slug))
    const input = ref(itemInputSchemaName(def.slug))
    const json = (schema: JsonSchema) => ({ content: { 'application/json': { schema } } })
    const ok = (schema: JsonSchema, status = '200') => ({
      [status]: { description: 'Success', ...json(schema) },
      ...errorResponses,
    })
    const deleted = { '204': { description: 'Deleted' }, ...errorResponses }
    const one = { type: 'object', required: ['data'], properties: { data: item } }
    const many = {
      type: 'object',
      required: ['data'],
      properties: { data: { type: 'array', items: item }, meta: { type: 'object' } },
    }
    const keys = { type: 'array', minItems: 1, items: keySchema(def) }
    const selection = {
      oneOf: [
        { type: 'object', required: ['keys'], properties: { keys }, additionalProperties: false },
        {
          type: 'object',
          required: ['query'],
          properties: { query: { type: 'object' } },
          additionalProperties: false,
        },
      ],
    }
    const tags = [`items: ${def.slug}`]
    const idParam = {
      name: 'id',
      in: 'path',
      required: true,
      schema: keySchema(def),
      description: `The ${def.primaryKey.name} of the item`,
    }
    const pascal = def.slug.replace(/(^|_)([a-z0-9])/g, (_m, _u, c: string) => c.toUpperCase())
    const op = (verb: string, suffix = '') => `${verb}Items${pascal}${suffix}`
    const parameters = (path: string, method: string, extra: unknown[] = []) => [
      ...extra,
      ...queryParameters(document, path, method),
    ]
    document.paths[`/api/items/${def.slug}`] ??= {
      get: {
        operationId: op('list'),
        tags,
        summary: `List items of ${def.slug}`,
        parameters: parameters(GENERIC_LIST, 'get'),
        responses: ok(many),
      },
      post: {
        operationId: op('create'),
        tags,
        summary: `Create one item of ${def.slug}, or several (an array, all or nothing)`,
        parameters: parameters(GENERIC_LIST, 'post'),
        requestBody: {
          required: true,
          ...json({ oneOf: [input, { type: 'array', items: input }] }),
        },
        responses: ok(
          {
            type: 'object',
            required: ['data'],
            properties: { data: { oneOf: [item, { type: 'array', items: item }] } },
          },
          '201',
        ),
      },
      patch: {
        operationId: op('updateMany'),
        tags,
        summary: `Change several items of ${def.slug} (by keys or by query)`,
        parameters: parameters(GENERIC_LIST, 'patch'),
        requestBody: {
          required: true,
          ...json({
            type: 'object',
            required: ['data'],
            properties: { keys, query: { type: 'object' }, data: input },
          }),
        },
        responses: ok({
          type: 'object',
          required: ['data'],
          properties: { data: { type: 'array', items: item } },
        }),
      },
      delete: {
        operationId: op('deleteMany'),
        tags,
        summary: `Delete several items of ${def.slug} (by keys or by query)`,
        requestBody: { required: true, ...json({ oneOf: [keys, selection] }) },
        responses: deleted,
      },
    }
    document.paths[`/api/items/${def.slug}/{id}`] ??= {
      get: {
        operationId: op('read', 'ById'),
        tags,
        summary: `Read one item of ${def.slug}`,
        parameters: parameters(GENERIC_ONE, 'get', [idParam]),
        responses: ok(one),
      },
      patch: {
        operationId: op('update', 'ById'),
        tags,
        summary: `Change one item of ${def.slug}`,
        parameters: parameters(GENERIC_ONE, 'patch', [idParam]),
        requestBody: { required: true, ...json(input) },
        responses: ok(one),
      },
      delete: {
        operationId: op('delete', 'ById'),
        tags,
        summary: `Delete one item of ${def.slug}`,
        parameters: [idParam],
        responses: deleted,
      },
    }
  }
}
