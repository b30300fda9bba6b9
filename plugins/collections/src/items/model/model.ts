// A collection as the items half queries it: columns with their types, relations resolved to
// their targets, and the resolver the filter DSL follows relational paths with.
import type { FilterRelation, FilterSchema, RelationResolver } from '@backlex/permissions'
import type { StorageDialect } from '../../schema/column-types.js'
import { decodeValue, encodeValue } from '../../schema/column-types.js'
import type {
  CollectionDefinition,
  FieldDefinition,
  FieldType,
  RelationDefinition,
} from '../../schema/definition.js'

/** A column of a collection: the primary key, a plain field or a many-to-one key. */
export interface ColumnModel {
  readonly name: string
  readonly type: FieldType
  readonly primary: boolean
  /** NOT NULL without a default: a create must give it. */
  readonly required: boolean
  readonly searchable: boolean
  /** The plain field's definition (choices, length, precision) when there is one. */
  readonly definition: FieldDefinition | undefined
  /** Set on many-to-one keys. */
  readonly m2o: M2oRelation | undefined
}

export interface M2oRelation {
  readonly kind: 'm2o'
  readonly field: string
  readonly target: string
}
export interface O2mRelation {
  readonly kind: 'o2m'
  readonly field: string
  readonly target: string
  /** The target's many-to-one column pointing back here. */
  readonly foreignKey: string
}
export interface M2mRelation {
  readonly kind: 'm2m'
  readonly field: string
  readonly target: string
  readonly junction: string
  /** Junction column holding this collection's key. */
  readonly sourceColumn: string
  /** Junction column holding the target's key. */
  readonly targetColumn: string
}
export type RelationModel = M2oRelation | O2mRelation | M2mRelation

export interface CollectionModel {
  readonly workspace: string
  readonly slug: string
  readonly table: string
  readonly kind: 'managed' | 'adopted'
  readonly primaryKey: ColumnModel
  /** Every column by name (the key, plain fields, many-to-one keys), in definition order. */
  readonly columns: ReadonlyMap<string, ColumnModel>
  /** Relations by field name; many-to-one relations share their name with their column. */
  readonly relations: ReadonlyMap<string, RelationModel>
  /** One-to-many and many-to-many fields: no column, listed in `fields=*` as arrays of keys. */
  readonly aliases: readonly string[]
  readonly filterSchema: FilterSchema
  readonly searchable: readonly string[]
  /** Reads a column value into its API form. */
  decode(column: ColumnModel, value: unknown): unknown
  /** Writes an API value as the column's parameter; throws ValueTypeError when it does not fit. */
  encode(column: ColumnModel, value: unknown): unknown
}

/** Every live collection of a workspace, with resolvers across them. */
export interface WorkspaceSchema {
  readonly workspace: string
  readonly dialect: StorageDialect
  collection(slug: string): CollectionModel | undefined
  /** Follows `field` of `collection` for the filter DSL (m2o: one, o2m and m2m: many). */
  readonly resolver: RelationResolver
}

const keyType = (def: CollectionDefinition): FieldType =>
  def.primaryKey.type === 'uuid' ? 'uuid' : def.primaryKey.type === 'integer' ? 'integer' : 'string'

/** Name of the pseudo-collection a many-to-many filter passes through (never a valid slug). */
const junctionScope = (slug: string, field: string) => `${slug}.${field}`

function relationOf(relation: RelationDefinition): RelationModel {
  switch (relation.type) {
    case 'm2o':
      return { kind: 'm2o', field: relation.field, target: relation.collection }
    case 'o2m':
      return {
        kind: 'o2m',
        field: relation.field,
        target: relation.collection,
        foreignKey: relation.foreignKey,
      }
    case 'm2m':
      return {
        kind: 'm2m',
        field: relation.field,
        target: relation.collection,
        junction: relation.junction ?? '',
        sourceColumn: relation.sourceColumn ?? '',
        targetColumn: relation.targetColumn ?? '',
      }
  }
}

/** SQLite stores instants in this form already: the read needs no parsing. */
const CANONICAL_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/

/** The reader of one column, built once per model: the hot path of every list. */
function decoderOf(column: ColumnModel, dialect: StorageDialect): (value: unknown) => unknown {
  const shape = column.definition ?? { type: column.type }
  switch (column.type) {
    case 'string':
    case 'text':
    case 'enum':
      return (value) => (typeof value === 'string' ? value : decodeValue(shape, value))
    case 'integer':
    case 'float':
      return (value) => (typeof value === 'number' ? value : decodeValue(shape, value))
    case 'boolean':
      return (value) => (value === 1 ? true : value === 0 ? false : decodeValue(shape, value))
    case 'datetime':
    case 'timestamp':
      return (value) =>
        typeof value === 'string' && CANONICAL_INSTANT.test(value)
          ? value
          : decodeValue(shape, value)
    case 'json':
      // pg hands jsonb back parsed: a JSON string value must not be parsed a second time.
      return dialect === 'postgres'
        ? (value) => value ?? null
        : (value) => decodeValue(shape, value)
    default:
      return (value) => decodeValue(shape, value)
  }
}

function buildModel(
  def: CollectionDefinition,
  lookup: (slug: string) => CollectionDefinition | undefined,
  dialect: StorageDialect,
): CollectionModel {
  const columns = new Map<string, ColumnModel>()
  const primaryKey: ColumnModel = {
    name: def.primaryKey.name,
    type: keyType(def),
    primary: true,
    // A string key is given by the client; integer and uuid keys are generated.
    required: def.primaryKey.type === 'string',
    searchable: false,
    definition: undefined,
    m2o: undefined,
  }
  columns.set(primaryKey.name, primaryKey)
  for (const field of def.fields) {
    const text = field.type === 'string' || field.type === 'text'
    columns.set(field.name, {
      name: field.name,
      type: field.type,
      primary: false,
      required: field.required && field.default === undefined,
      // Search compares text (ASCII case folded), so only text-like fields can take part.
      searchable:
        (field.searchable ?? text) && (text || field.type === 'enum' || field.type === 'uuid'),
      definition: field,
      m2o: undefined,
    })
  }
  const relations = new Map<string, RelationModel>()
  const aliases: string[] = []
  for (const relation of def.relations) {
    const model = relationOf(relation)
    relations.set(model.field, model)
    if (model.kind === 'm2o') {
      const target = relation.collection === def.slug ? def : lookup(relation.collection)
      columns.set(model.field, {
        name: model.field,
        type: target ? keyType(target) : 'string',
        primary: false,
        required: relation.type === 'm2o' && relation.required,
        searchable: false,
        definition: undefined,
        m2o: model,
      })
    } else {
      aliases.push(model.field)
    }
  }
  const filterSchema: Record<string, { type: FieldType }> = Object.create(null)
  for (const column of columns.values()) filterSchema[column.name] = { type: column.type }
  const decoders = new Map<string, (value: unknown) => unknown>()
  for (const column of columns.values()) decoders.set(column.name, decoderOf(column, dialect))
  return {
    workspace: def.workspace,
    slug: def.slug,
    table: def.table,
    kind: def.kind,
    primaryKey,
    columns,
    relations,
    aliases,
    filterSchema,
    searchable: [...columns.values()].filter((c) => c.searchable).map((c) => c.name),
    decode(column, value) {
      const decode = decoders.get(column.name) ?? decoderOf(column, dialect)
      return decode(value)
    },
    encode(column, value) {
      return encodeValue(column.definition ?? { type: column.type }, value, dialect)
    },
  }
}

/**
 * Builds the models of every live collection of a workspace and the relation resolver over them.
 * @example
 * const schema = buildWorkspaceSchema('main', await collections.list('main'), 'sqlite')
 * parseFilter({ 'author.name': { _eq: 'Ada' } }, schema.collection('posts')?.filterSchema,
 *   { collection: 'posts', relations: schema.resolver })
 */
export function buildWorkspaceSchema(
  workspace: string,
  definitions: readonly CollectionDefinition[],
  dialect: StorageDialect,
): WorkspaceSchema {
  const bySlug = new Map(definitions.map((d) => [d.slug, d]))
  const models = new Map<string, CollectionModel>()
  for (const def of definitions)
    models.set(
      def.slug,
      buildModel(def, (s) => bySlug.get(s), dialect),
    )
  // Many-to-many filters pass through the junction: `tags: { _some: { <targetColumn>: {...} } }`
  // (parseFilter inserts the `<targetColumn>` step, see FilterRelation.through).
  const junctions = new Map<string, { relation: M2mRelation; target: CollectionModel }>()
  const resolver: RelationResolver = (collection, field) => {
    if (collection === undefined) return undefined
    const junction = junctions.get(collection)
    if (junction) {
      if (field !== junction.relation.targetColumn) return undefined
      const { target } = junction
      return {
        cardinality: 'one',
        collection: target.slug,
        table: target.table,
        schema: target.filterSchema,
        localColumn: junction.relation.targetColumn,
        foreignColumn: target.primaryKey.name,
        // A junction row whose target the caller may not read is not one of its related rows.
        missing: 'no-match',
      }
    }
    const model = models.get(collection)
    const relation = model?.relations.get(field)
    if (!model || !relation) return undefined
    const target = models.get(relation.target)
    if (!target) return undefined
    const out: FilterRelation =
      relation.kind === 'm2o'
        ? {
            cardinality: 'one',
            collection: target.slug,
            table: target.table,
            schema: target.filterSchema,
            localColumn: relation.field,
            foreignColumn: target.primaryKey.name,
          }
        : relation.kind === 'o2m'
          ? {
              cardinality: 'many',
              collection: target.slug,
              table: target.table,
              schema: target.filterSchema,
              localColumn: model.primaryKey.name,
              foreignColumn: relation.foreignKey,
            }
          : {
              cardinality: 'many',
              collection: junctionScope(model.slug, relation.field),
              table: relation.junction,
              schema: { [relation.targetColumn]: { type: target.primaryKey.type } },
              localColumn: model.primaryKey.name,
              foreignColumn: relation.sourceColumn,
              through: relation.targetColumn,
            }
    return out
  }
  for (const model of models.values()) {
    for (const relation of model.relations.values()) {
      const target = models.get(relation.target)
      if (relation.kind === 'm2m' && target) {
        junctions.set(junctionScope(model.slug, relation.field), { relation, target })
      }
    }
  }
  return {
    workspace,
    dialect,
    collection: (slug) => models.get(slug),
    resolver,
  }
}

/** True for the pseudo-collection name a many-to-many filter passes through. */
export const isJunctionScope = (collection: string) => collection.includes('.')
