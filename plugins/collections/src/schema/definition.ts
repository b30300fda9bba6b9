// The shape of a collection: fields, primary key and relations, as stored in the metadata table
// and accepted by POST /api/collections. Shared by the schema (DDL) and items (queries) halves.
import { FIELD_TYPES } from '@backlex/permissions'
import { z } from 'zod'

/** Slugs and field names: lower snake case, validated before they reach any SQL. */
export const IDENTIFIER = /^[a-z][a-z0-9_]{0,62}$/

/** Names refused for slugs and fields (SQL keywords and names backlex gives meaning to). */
export const RESERVED_NAMES = new Set([
  'select',
  'from',
  'where',
  'table',
  'order',
  'group',
  'by',
  'limit',
  'offset',
  'user',
  'all',
  'and',
  'or',
  'not',
  'null',
  'true',
  'false',
  'default',
  'primary',
  'key',
  'index',
  'join',
  'fields',
  'filter',
  'sort',
  'search',
  'meta',
  'page',
  'aggregate',
  'deep',
  'groupby',
  'workspace',
  'backlex',
  'items',
  'collections',
])

export const identifier = z
  .string()
  .regex(
    IDENTIFIER,
    'must be lower snake case: a-z, 0-9 and _, starting with a letter, at most 63 characters',
  )
  .refine((name) => !RESERVED_NAMES.has(name), 'is a reserved name')

export const fieldType = z.enum(FIELD_TYPES)
export type FieldType = z.output<typeof fieldType>

export const fieldDefinition = z.strictObject({
  name: identifier,
  type: fieldType,
  /** NOT NULL; adding a required field to an existing collection needs `default`. */
  required: z.boolean().default(false),
  unique: z.boolean().default(false),
  indexed: z.boolean().default(false),
  /** Default for new rows (a literal of the field's type). */
  default: z.unknown().optional(),
  /** `enum` only: the allowed values. */
  choices: z.array(z.string().min(1)).min(1).optional(),
  /** `string` only: maximum length (default 255). */
  length: z.number().int().min(1).max(65535).optional(),
  /** `decimal` only. */
  precision: z.number().int().min(1).max(38).optional(),
  scale: z.number().int().min(0).max(38).optional(),
  /** Included in `?search=` (string and text fields; default true for them). */
  searchable: z.boolean().optional(),
})
export type FieldDefinition = z.output<typeof fieldDefinition>

export const primaryKeyDefinition = z.strictObject({
  name: identifier.default('id'),
  /** `integer`: auto-increment; `uuid`: generated when not given; `string`: given by the client. */
  type: z.enum(['integer', 'uuid', 'string']).default('integer'),
})
export type PrimaryKeyDefinition = z.output<typeof primaryKeyDefinition>

export const onDelete = z.enum(['set null', 'cascade', 'restrict', 'no action']).default('set null')

export const relationDefinition = z.discriminatedUnion('type', [
  /** This collection holds a foreign key column `field` to `collection`'s primary key. */
  z.strictObject({
    type: z.literal('m2o'),
    field: identifier,
    collection: identifier,
    onDelete,
    required: z.boolean().default(false),
  }),
  /** Alias `field` listing rows of `collection` whose m2o field `foreignKey` points here. No column. */
  z.strictObject({
    type: z.literal('o2m'),
    field: identifier,
    collection: identifier,
    foreignKey: identifier,
  }),
  /** Alias `field` through a junction table (created for managed collections). */
  z.strictObject({
    type: z.literal('m2m'),
    field: identifier,
    collection: identifier,
    /** Junction table name; default `c_<workspace>_<slug>_<field>`. */
    junction: identifier.optional(),
    /** Junction column holding this collection's key; default `<slug>_id` (filled in when stored). */
    sourceColumn: identifier.optional(),
    /** Junction column holding `collection`'s key; default `<collection>_id` (`related_<collection>_id` when both are the same). */
    targetColumn: identifier.optional(),
  }),
])
export type RelationDefinition = z.output<typeof relationDefinition>

/** POST /api/collections body. Unknown keys are refused at every level, as in PATCH. */
export const collectionInput = z.discriminatedUnion('kind', [
  z.strictObject({
    kind: z.literal('managed').default('managed'),
    slug: identifier,
    primaryKey: primaryKeyDefinition.default({ name: 'id', type: 'integer' }),
    fields: z.array(fieldDefinition).default([]),
    relations: z.array(relationDefinition).default([]),
    /** Shown in the admin and in OpenAPI. */
    note: z.string().max(500).optional(),
  }),
  z.strictObject({
    kind: z.literal('adopted'),
    slug: identifier,
    /** The existing table to wrap; never altered or dropped. */
    table: z.string().min(1).max(128),
    /** Fields to expose (default: every column, types inferred); primary key inferred. */
    fields: z.array(fieldDefinition).optional(),
    relations: z.array(relationDefinition).default([]),
    note: z.string().max(500).optional(),
  }),
])
export type CollectionInput = z.input<typeof collectionInput>

/** A collection as stored and returned by GET /api/collections. */
export interface CollectionDefinition {
  workspace: string
  slug: string
  kind: 'managed' | 'adopted'
  /** The physical table: `c_<workspace>_<slug>` for managed collections. */
  table: string
  primaryKey: PrimaryKeyDefinition
  fields: FieldDefinition[]
  relations: RelationDefinition[]
  note?: string
  archivedAt: string | null
  createdAt: string
  updatedAt: string
}
