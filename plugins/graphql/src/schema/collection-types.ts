// The GraphQL types of one collection as one caller sees it: the object type, its filter input,
// field enum, aggregate type and write inputs. Only readable fields appear; relations to
// collections the caller cannot read fall back to the key (many-to-one) or disappear (lists).
import type { CollectionDefinition, FieldType, RelationDefinition } from '@backlex/collections'
import {
  GraphQLEnumType,
  type GraphQLFieldConfigMap,
  GraphQLFloat,
  type GraphQLInputFieldConfigMap,
  GraphQLInputObjectType,
  GraphQLInt,
  GraphQLList,
  GraphQLNonNull,
  GraphQLObjectType,
  type GraphQLOutputType,
  GraphQLString,
} from 'graphql'
import type { GraphQLContext } from '../contributions.js'
import { operatorsOf } from './operators.js'
import { GraphQLJSON, scalarOf } from './scalars.js'
import { type CollectionView, keyType, type SchemaView } from './view.js'

export interface CollectionTypes {
  readonly view: CollectionView
  readonly object: GraphQLObjectType
  readonly filter: GraphQLInputObjectType
  /** `_some` / `_none` over related rows of this collection. */
  readonly quantifier: GraphQLInputObjectType
  /** Readable columns (for groupBy); undefined when there is none besides relations. */
  readonly field: GraphQLEnumType
  readonly aggregated: GraphQLObjectType
  readonly createInput: GraphQLInputObjectType | undefined
  readonly updateInput: GraphQLInputObjectType | undefined
}

export const NUMERIC: ReadonlySet<FieldType> = new Set([
  'integer',
  'bigInteger',
  'float',
  'decimal',
])

export { keyType }

/**
 * Columns of a collection: key, plain fields and many-to-one keys, with their types. A
 * many-to-one key has its target's key type (`keyTypes` holds every collection, readable or
 * not), so GraphQL answers `3` where REST does, not `"3"`.
 */
export function columnsOf(
  def: CollectionDefinition,
  keyTypes: ReadonlyMap<string, FieldType>,
): Map<string, FieldType> {
  const columns = new Map<string, FieldType>([[def.primaryKey.name, keyType(def)]])
  for (const field of def.fields) columns.set(field.name, field.type)
  for (const relation of def.relations) {
    if (relation.type !== 'm2o') continue
    const target =
      relation.collection === def.slug ? keyType(def) : keyTypes.get(relation.collection)
    columns.set(relation.field, target ?? 'string')
  }
  return columns
}

export const relationArgs = (filter: GraphQLInputObjectType) => ({
  filter: { type: filter },
  sort: { type: new GraphQLList(new GraphQLNonNull(GraphQLString)), description: 'e.g. ["-id"]' },
  limit: { type: GraphQLInt },
  offset: { type: GraphQLInt },
})

/**
 * Builds the types of every readable collection of `view`; types refer to each other lazily.
 * @example
 * const types = collectionTypes(view)
 * types.get('articles')?.object.getFields().title
 */
export function collectionTypes(view: SchemaView): Map<string, CollectionTypes> {
  const all = new Map<string, CollectionTypes>()
  const readable = (relation: RelationDefinition) => all.get(relation.collection)

  for (const [slug, cv] of view.collections) {
    const def = cv.definition
    const columns = columnsOf(def, view.keyTypes)
    const visible = [...columns].filter(([name]) => cv.read.has(name))
    const relations = def.relations.filter((r) => cv.read.has(r.field))

    const object = new GraphQLObjectType<Record<string, unknown>, GraphQLContext>({
      name: slug,
      ...(def.note ? { description: def.note } : {}),
      fields: () => {
        const fields: GraphQLFieldConfigMap<Record<string, unknown>, GraphQLContext> = {}
        for (const [name, type] of visible) {
          const scalar = scalarOf(type)
          fields[name] = {
            type: name === def.primaryKey.name ? new GraphQLNonNull(scalar) : scalar,
          }
        }
        for (const relation of relations) {
          const target = readable(relation)
          if (relation.type === 'm2o') {
            if (target) fields[relation.field] = { type: target.object }
          } else if (target) {
            fields[relation.field] = {
              type: new GraphQLNonNull(new GraphQLList(new GraphQLNonNull(target.object))),
              args: relationArgs(target.filter),
            }
          }
        }
        return fields
      },
    })

    const filter: GraphQLInputObjectType = new GraphQLInputObjectType({
      name: `${slug}Filter`,
      fields: () => {
        const fields: GraphQLInputFieldConfigMap = {
          _and: { type: new GraphQLList(new GraphQLNonNull(filter)) },
          _or: { type: new GraphQLList(new GraphQLNonNull(filter)) },
        }
        for (const [name, type] of visible) fields[name] = { type: operatorsOf(type) }
        for (const relation of relations) {
          const target = readable(relation)
          if (!target) continue
          fields[relation.field] = {
            type: relation.type === 'm2o' ? target.filter : target.quantifier,
          }
        }
        return fields
      },
    })
    const quantifier = new GraphQLInputObjectType({
      name: `${slug}Quantifier`,
      description: `Related ${slug} rows: _some (at least one matches) or _none (none matches).`,
      fields: () => ({ _some: { type: filter }, _none: { type: filter } }),
    })

    const field = new GraphQLEnumType({
      name: `${slug}Field`,
      values: Object.fromEntries(visible.map(([name]) => [name, { value: name }])),
    })

    const measure = (name: string, pick: (type: FieldType) => GraphQLOutputType | undefined) => {
      const entries = visible.flatMap(([column, type]) => {
        const out = pick(type)
        return out ? [[column, { type: out }] as const] : []
      })
      if (entries.length === 0) return undefined
      return new GraphQLObjectType({ name: `${slug}${name}`, fields: Object.fromEntries(entries) })
    }
    const counts = measure('AggregateCount', () => GraphQLInt)
    const numbers = measure('AggregateNumbers', (t) => (NUMERIC.has(t) ? GraphQLFloat : undefined))
    const values = measure('AggregateValues', (t) =>
      t === 'json' || t === 'boolean' ? undefined : scalarOf(t),
    )
    const aggregated = new GraphQLObjectType({
      name: `${slug}Aggregated`,
      fields: {
        group: {
          type: GraphQLJSON,
          description: 'The values of the groupBy fields of this group.',
        },
        countAll: { type: GraphQLInt, description: 'Rows in the group.' },
        ...(counts ? { count: { type: counts }, countDistinct: { type: counts } } : {}),
        ...(numbers
          ? {
              sum: { type: numbers },
              sumDistinct: { type: numbers },
              avg: { type: numbers },
              avgDistinct: { type: numbers },
            }
          : {}),
        ...(values ? { min: { type: values }, max: { type: values } } : {}),
      },
    })

    const input = (name: string, allowed: ReadonlySet<string> | null) => {
      if (!allowed) return undefined
      const entries: GraphQLInputFieldConfigMap = {}
      for (const [column, type] of columns) {
        const generated = column === def.primaryKey.name && def.primaryKey.type === 'integer'
        if (allowed.has(column) && !generated) entries[column] = { type: scalarOf(type) }
      }
      if (Object.keys(entries).length === 0) return undefined
      return new GraphQLInputObjectType({ name: `${slug}${name}`, fields: entries })
    }

    all.set(slug, {
      view: cv,
      object,
      filter,
      quantifier,
      field,
      aggregated,
      createInput: input('CreateInput', cv.create),
      updateInput: input('UpdateInput', cv.update),
    })
  }
  return all
}
