// Per-collection entries of /api/openapi: a component schema per collection (the item as the
// API returns it, and as it is written) and the item paths /api/items/<slug>[/{id}]. The
// document is the asking caller's: only collections it may use, only the fields it may read
// (or write), only the operations its rules allow, as the items API and GraphQL see them.
import type { OpenApiDocument, SqlDialect } from '@backlex/kernel'
import {
  type AccessRules,
  fieldVisibility,
  PERMISSION_ACTIONS,
  type PermissionAction,
} from '@backlex/permissions'
import type { CollectionsService } from './contract.js'
import type { CollectionDefinition, FieldDefinition } from './schema/definition.js'
import { foreignKeyType } from './schema/validate.js'

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

/**
 * How a field appears in one caller's schema: `all` as defined, `some` only on some rows (so it
 * may read as null), `none` left out.
 */
export type FieldPresence = 'all' | 'some' | 'none'

/**
 * The item of `def` as read (`input`: false) or written (`input`: true), with the fields
 * `presence` lets through. `lookup` finds related collections; `expandable` says whether a
 * related item's schema is in the document (else relations are described by their keys).
 */
export function itemJsonSchema(
  def: CollectionDefinition,
  lookup: (slug: string) => CollectionDefinition | undefined,
  input: boolean,
  presence: (field: string) => FieldPresence,
  expandable: (slug: string) => boolean = () => false,
): JsonSchema {
  const properties: Record<string, JsonSchema> = {}
  const required: string[] = []
  const pk = keySchema(def)
  if (!input || def.primaryKey.type !== 'integer')
    properties[def.primaryKey.name] = { ...pk, ...(input ? {} : { readOnly: true }) }
  if (!input) required.push(def.primaryKey.name)
  for (const field of def.fields) {
    const shown = presence(field.name)
    if (shown === 'none') continue
    const schema = fieldJsonSchema(field)
    properties[field.name] = field.required && shown === 'all' ? schema : nullable(schema)
  }
  for (const relation of def.relations) {
    const target = lookup(relation.collection)
    const shown = presence(relation.field)
    if (!target || shown === 'none') continue
    const key = keySchema(target)
    const value =
      input || !expandable(target.slug)
        ? key
        : { anyOf: [key, { $ref: `#/components/schemas/${itemSchemaName(target.slug)}` }] }
    if (relation.type === 'm2o') {
      properties[relation.field] = relation.required && shown === 'all' ? value : nullable(value)
    } else {
      const list = { type: 'array', items: value }
      properties[relation.field] = shown === 'all' ? list : nullable(list)
    }
  }
  return {
    type: 'object',
    ...(def.note ? { description: def.note } : {}),
    properties,
    ...(required.length > 0 ? { required } : {}),
  }
}

/** Whom the document is for: the workspace asked about, and the caller's rules there. */
export interface DocumentCaller {
  workspace: string
  /** The caller's rules for `action` on a collection (null: none), as `Permissions.rulesFor`. */
  rules(slug: string, action: PermissionAction): Promise<AccessRules | null>
  dialect: SqlDialect
}

type Allowed = Record<PermissionAction, AccessRules | null>

/**
 * Adds the live collections of the caller's workspace that it may use to the document, each
 * limited to its fields and operations. Item paths are added only where the items routes did
 * not already describe them.
 * @example
 * await addCollectionsToDocument(document, collections, {
 *   workspace: 'main', dialect: 'sqlite',
 *   rules: (collection, action) => permissions.rulesFor(principal, { workspace: 'main', collection, action }),
 * })
 */
export async function addCollectionsToDocument(
  document: OpenApiDocument,
  collections: CollectionsService,
  caller: DocumentCaller,
): Promise<void> {
  const all = await collections.list(caller.workspace)
  const allowed = new Map<string, Allowed>()
  await Promise.all(
    all.map(async (def) => {
      const rules = await Promise.all(PERMISSION_ACTIONS.map((a) => caller.rules(def.slug, a)))
      if (rules.every((r) => r === null)) return
      allowed.set(
        def.slug,
        Object.fromEntries(PERMISSION_ACTIONS.map((a, i) => [a, rules[i] ?? null])) as Allowed,
      )
    }),
  )
  const usable = all.filter((def) => allowed.has(def.slug))
  const lookup = (slug: string) => all.find((c) => c.slug === slug)
  const readable = (slug: string) => Boolean(allowed.get(slug)?.read)
  for (const def of usable) {
    const may = allowed.get(def.slug) as Allowed
    const { read, create, update } = may
    // Fields as the items API checks them, for reads and for writes alike.
    const options = { primaryKey: def.primaryKey.name, dialect: caller.dialect }
    const granted = (rules: AccessRules | null, field: string) =>
      rules !== null && fieldVisibility(rules, field, options).kind !== 'none'
    if (read) {
      const presence = (field: string): FieldPresence => {
        const kind = fieldVisibility(read, field, options).kind
        return kind === 'all' ? 'all' : kind === 'where' ? 'some' : 'none'
      }
      document.components.schemas[itemSchemaName(def.slug)] = itemJsonSchema(
        def,
        lookup,
        false,
        presence,
        readable,
      )
    }
    if (create || update) {
      const presence = (field: string): FieldPresence =>
        granted(create, field) || granted(update, field) ? 'all' : 'none'
      document.components.schemas[itemInputSchemaName(def.slug)] = itemJsonSchema(
        def,
        lookup,
        true,
        presence,
      )
    }
  }
  addItemPaths(document, usable, (slug) => allowed.get(slug) as Allowed)
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

/**
 * `/api/items/<slug>` and `/api/items/<slug>/{id}`, shaped like the generic items routes, with
 * the operations the caller's rules allow. A caller that may write but not read gets the keys
 * of what it wrote back, as the items API answers.
 */
function addItemPaths(
  document: OpenApiDocument,
  usable: readonly CollectionDefinition[],
  allowedOf: (slug: string) => Allowed,
) {
  for (const def of usable) {
    const may = allowedOf(def.slug)
    const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` })
    const item = may.read
      ? ref(itemSchemaName(def.slug))
      : {
          type: 'object',
          required: [def.primaryKey.name],
          properties: { [def.primaryKey.name]: keySchema(def) },
        }
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
    const list: Record<string, unknown> = {}
    const byId: Record<string, unknown> = {}
    if (may.read) {
      list.get = {
        operationId: op('list'),
        tags,
        summary: `List items of ${def.slug}`,
        parameters: parameters(GENERIC_LIST, 'get'),
        responses: ok(many),
      }
      byId.get = {
        operationId: op('read', 'ById'),
        tags,
        summary: `Read one item of ${def.slug}`,
        parameters: parameters(GENERIC_ONE, 'get', [idParam]),
        responses: ok(one),
      }
    }
    if (may.create) {
      list.post = {
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
      }
    }
    if (may.update) {
      list.patch = {
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
      }
      byId.patch = {
        operationId: op('update', 'ById'),
        tags,
        summary: `Change one item of ${def.slug}`,
        parameters: parameters(GENERIC_ONE, 'patch', [idParam]),
        requestBody: { required: true, ...json(input) },
        responses: ok(one),
      }
    }
    if (may.delete) {
      list.delete = {
        operationId: op('deleteMany'),
        tags,
        summary: `Delete several items of ${def.slug} (by keys or by query)`,
        requestBody: { required: true, ...json({ oneOf: [keys, selection] }) },
        responses: deleted,
      }
      byId.delete = {
        operationId: op('delete', 'ById'),
        tags,
        summary: `Delete one item of ${def.slug}`,
        parameters: [idParam],
        responses: deleted,
      }
    }
    if (Object.keys(list).length > 0) document.paths[`/api/items/${def.slug}`] ??= list
    if (Object.keys(byId).length > 0) document.paths[`/api/items/${def.slug}/{id}`] ??= byId
  }
}
