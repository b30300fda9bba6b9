// What the permissions plugin learns about collections: each one's field types and a resolver
// for its relations (m2o: one; o2m: many; m2m: many junction rows, each with one target).
import type {
  CollectionSchemaSource,
  FilterRelation,
  FilterSchema,
  RelationResolver,
} from '@backlex/permissions'
import type { CollectionsService } from './contract.js'
import type { CollectionDefinition } from './schema/definition.js'
import { foreignKeyType } from './schema/validate.js'

/** The filterable fields of a collection: primary key, fields and m2o foreign keys. */
export function filterSchemaOf(
  def: CollectionDefinition,
  lookup: (slug: string) => CollectionDefinition | undefined,
): FilterSchema {
  const schema: Record<string, { type: CollectionDefinition['fields'][number]['type'] }> = {
    [def.primaryKey.name]: { type: foreignKeyType(def) },
  }
  for (const field of def.fields) schema[field.name] = { type: field.type }
  for (const relation of def.relations) {
    if (relation.type !== 'm2o') continue
    const target = lookup(relation.collection)
    if (target) schema[relation.field] = { type: foreignKeyType(target) }
  }
  return schema
}

/** Junction rows are addressed as the collection `<slug>.<field>` (a dot no slug can hold). */
const junctionKey = (slug: string, field: string) => `${slug}.${field}`

/**
 * A RelationResolver over one workspace's collections, rooted at `root`.
 * @example
 * const relations = relationResolver(await collections.list('main'), 'posts')
 * relations(undefined, 'author') // { cardinality: 'one', table: 'c_main_users', ... }
 */
export function relationResolver(
  all: readonly CollectionDefinition[],
  root: string,
): RelationResolver {
  const bySlug = new Map(all.map((c) => [c.slug, c] as const))
  const lookup = (slug: string) => bySlug.get(slug)
  return (collection, field): FilterRelation | undefined => {
    const name = collection ?? root
    const dot = name.indexOf('.')
    if (dot !== -1) {
      // A junction row: its target column leads to one row of the related collection.
      const owner = lookup(name.slice(0, dot))
      const m2m = owner?.relations.find((r) => r.type === 'm2m' && r.field === name.slice(dot + 1))
      if (m2m?.type !== 'm2m' || field !== m2m.targetColumn) return undefined
      const target = lookup(m2m.collection)
      if (!target) return undefined
      return {
        cardinality: 'one',
        collection: target.slug,
        table: target.table,
        schema: filterSchemaOf(target, lookup),
        localColumn: field,
        foreignColumn: target.primaryKey.name,
      }
    }
    const def = lookup(name)
    const relation = def?.relations.find((r) => r.field === field)
    if (!def || !relation) return undefined
    const target = lookup(relation.collection)
    if (!target) return undefined
    switch (relation.type) {
      case 'm2o':
        return {
          cardinality: 'one',
          collection: target.slug,
          table: target.table,
          schema: filterSchemaOf(target, lookup),
          localColumn: relation.field,
          foreignColumn: target.primaryKey.name,
        }
      case 'o2m':
        return {
          cardinality: 'many',
          collection: target.slug,
          table: target.table,
          schema: filterSchemaOf(target, lookup),
          localColumn: def.primaryKey.name,
          foreignColumn: relation.foreignKey,
        }
      case 'm2m': {
        const source = relation.sourceColumn ?? ''
        const targetColumn = relation.targetColumn ?? ''
        return {
          cardinality: 'many',
          collection: junctionKey(def.slug, relation.field),
          table: relation.junction ?? '',
          schema: {
            [source]: { type: foreignKeyType(def) },
            [targetColumn]: { type: foreignKeyType(target) },
          },
          localColumn: def.primaryKey.name,
          foreignColumn: source,
        }
      }
    }
  }
}

/** The CollectionSchemas contribution, reading through the Collections service's cache. */
export function createSchemaSource(
  service: () => CollectionsService | undefined,
): CollectionSchemaSource {
  return async (workspace, collection) => {
    const collections = service()
    if (!collections) return undefined
    const all = await collections.list(workspace)
    const def = all.find((c) => c.slug === collection)
    if (!def) return undefined
    const lookup = (slug: string) => all.find((c) => c.slug === slug)
    return { schema: filterSchemaOf(def, lookup), relations: relationResolver(all, collection) }
  }
}
