// Checks a collection's fields and relations beyond what zod can see (options that fit the
// type, names used once, relation targets that exist) and fills in the stored defaults.

import { encodeValue, ValueTypeError } from './column-types.js'
import {
  type CollectionDefinition,
  type FieldDefinition,
  type FieldType,
  IDENTIFIER,
  type PrimaryKeyDefinition,
  type RelationDefinition,
} from './definition.js'
import { CollectionsErrors } from './errors.js'

/** PostgreSQL truncates longer identifiers; backlex refuses them instead. */
export const MAX_IDENTIFIER_LENGTH = 63

/** `default: "$NOW"` on these types means the current date / time / instant, in UTC. */
export const NOW_DEFAULT = '$NOW'
const TEMPORAL: ReadonlySet<FieldType> = new Set(['date', 'time', 'datetime', 'timestamp'])
const SEARCHABLE: ReadonlySet<FieldType> = new Set([
  'string',
  'text',
  'enum',
  'uuid',
  // Numeric fields match a numeric search term by equality (default: searched).
  'integer',
  'bigInteger',
  'float',
  'decimal',
])

/** The physical table of a managed collection. */
export function managedTableName(workspace: string, slug: string): string {
  if (!IDENTIFIER.test(workspace))
    throw CollectionsErrors.INVALID_COLLECTION(
      `workspace "${workspace}" cannot name tables (it must be lower snake case)`,
    )
  const name = `c_${workspace}_${slug}`
  if (name.length > MAX_IDENTIFIER_LENGTH) throw CollectionsErrors.NAME_TOO_LONG(name)
  return name
}

export function isNowDefault(field: FieldDefinition): boolean {
  return field.default === NOW_DEFAULT && TEMPORAL.has(field.type)
}

/** Throws INVALID_FIELD when a field's options do not fit its type. */
export function checkField(field: FieldDefinition): void {
  const bad = (reason: string) => CollectionsErrors.INVALID_FIELD(field.name, reason)
  if (field.type === 'enum' && !field.choices) throw bad('an enum needs "choices"')
  if (field.type !== 'enum' && field.choices) throw bad('"choices" only applies to enum fields')
  if (field.choices && new Set(field.choices).size !== field.choices.length)
    throw bad('"choices" lists a value twice')
  if (field.type !== 'string' && field.length !== undefined)
    throw bad('"length" only applies to string fields')
  if (field.type !== 'decimal' && (field.precision !== undefined || field.scale !== undefined))
    throw bad('"precision" and "scale" only apply to decimal fields')
  if (field.scale !== undefined && field.precision === undefined)
    throw bad('"scale" needs "precision"')
  if (field.precision !== undefined && (field.scale ?? 0) > field.precision)
    throw bad('"scale" cannot exceed "precision"')
  if (field.searchable && !SEARCHABLE.has(field.type))
    throw bad('only string, text, enum, uuid and numeric fields can be searchable')
  if (field.default === undefined || field.default === null || isNowDefault(field)) return
  try {
    // Postgres-side encoding is the strictest form of the value; it is only checked here.
    encodeValue(field, field.default, 'postgres')
  } catch (error) {
    if (error instanceof ValueTypeError) throw bad(`"default" ${error.reason}`)
    throw error
  }
}

/** Every name a row of `def` exposes: primary key, fields, and relation fields. */
export function fieldNames(def: {
  primaryKey: PrimaryKeyDefinition
  fields: readonly FieldDefinition[]
  relations: readonly RelationDefinition[]
}): string[] {
  return [
    def.primaryKey.name,
    ...def.fields.map((f) => f.name),
    ...def.relations.map((r) => r.field),
  ]
}

/** Throws DUPLICATE_FIELD when a name is used twice. */
export function checkNames(names: readonly string[]): void {
  const seen = new Set<string>()
  for (const name of names) {
    if (seen.has(name)) throw CollectionsErrors.DUPLICATE_FIELD(name)
    seen.add(name)
  }
}

/** Finds a live collection of the same workspace (the one being defined included). */
export type CollectionLookup = (slug: string) => CollectionDefinition | undefined

/**
 * Checks relations against their targets and fills in what is stored: m2m junction names and
 * columns. `self` is the collection being created or changed.
 */
export function resolveRelations(
  self: Pick<CollectionDefinition, 'workspace' | 'slug' | 'kind' | 'fields'>,
  relations: readonly RelationDefinition[],
  lookup: CollectionLookup,
): RelationDefinition[] {
  return relations.map((relation) => {
    const bad = (reason: string) => CollectionsErrors.INVALID_RELATION(relation.field, reason)
    const target = lookup(relation.collection)
    if (!target) throw bad(`there is no collection "${relation.collection}"`)
    if (relation.type === 'm2o') {
      if (relation.required && relation.onDelete === 'set null')
        throw bad('a required relation cannot use onDelete "set null"; use "cascade" or "restrict"')
      return relation
    }
    if (relation.type === 'o2m') {
      const back = target.relations.find(
        (r) => r.type === 'm2o' && r.field === relation.foreignKey && r.collection === self.slug,
      )
      if (!back)
        throw bad(
          `"${relation.collection}" has no many-to-one field "${relation.foreignKey}" pointing to "${self.slug}"`,
        )
      return relation
    }
    if (self.kind === 'adopted' && !relation.junction)
      throw bad('an adopted collection names its existing junction table in "junction"')
    const junction = relation.junction ?? `c_${self.workspace}_${self.slug}_${relation.field}`
    const sourceColumn = relation.sourceColumn ?? `${self.slug}_id`
    const targetColumn =
      relation.targetColumn ??
      (relation.collection === self.slug
        ? `related_${relation.collection}_id`
        : `${relation.collection}_id`)
    for (const name of [junction, sourceColumn, targetColumn])
      if (name.length > MAX_IDENTIFIER_LENGTH) throw CollectionsErrors.NAME_TOO_LONG(name)
    if (sourceColumn === targetColumn) throw bad('the junction columns must differ')
    return { ...relation, junction, sourceColumn, targetColumn }
  })
}

/** The column type of an m2o field: the type of the target's primary key. */
export function foreignKeyType(target: CollectionDefinition): FieldType {
  return target.primaryKey.type === 'uuid'
    ? 'uuid'
    : target.primaryKey.type === 'integer'
      ? 'integer'
      : 'string'
}
