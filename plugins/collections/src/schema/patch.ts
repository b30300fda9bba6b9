// PATCH /api/collections/:slug: the body schema and the plan (new definition + DDL) of an
// additive change, with drops only when confirmed.
import type { SqlDialect } from '@backlex/kernel'
import { z } from 'zod'
import {
  addColumn,
  createIndex,
  createJunction,
  dropColumn,
  dropIndex,
  dropTable,
  fieldColumn,
  foreignKeyColumn,
  type Statement,
} from './ddl.js'
import {
  type CollectionDefinition,
  type FieldDefinition,
  fieldDefinition,
  identifier,
  type RelationDefinition,
  relationDefinition,
} from './definition.js'
import { CollectionsErrors } from './errors.js'
import {
  type CollectionLookup,
  checkField,
  checkNames,
  fieldNames,
  isNowDefault,
  resolveRelations,
} from './validate.js'

export const fieldChange = z.strictObject({
  name: identifier,
  /** Adds (true) or removes (false) a plain index. */
  indexed: z.boolean().optional(),
  /** Adds (true) or removes (false) a unique index; adding fails on duplicate values. */
  unique: z.boolean().optional(),
  searchable: z.boolean().optional(),
})

/** PATCH body: additions, index changes, and drops (which need `confirm: true`). */
export const collectionPatch = z.strictObject({
  /** New fields; a required one needs a `default` for the rows already there. */
  fields: z.array(fieldDefinition).default([]),
  /** New relations. */
  relations: z.array(relationDefinition).default([]),
  /** Index, unique and searchable changes to existing fields. */
  change: z.array(fieldChange).default([]),
  /** Fields or relations to remove; on managed collections their data is deleted. */
  drop: z.array(identifier).default([]),
  /** Must be true when `drop` deletes data. */
  confirm: z.boolean().default(false),
  /** Replaces the note; null clears it. */
  note: z.string().max(500).nullable().optional(),
})
export type CollectionPatch = z.input<typeof collectionPatch>

export interface SchemaPlan {
  def: CollectionDefinition
  statements: Statement[]
  /** Tables the plan creates: they must not exist yet. */
  creates: string[]
  /** Adopted collections: existing tables the definition refers to (junctions). */
  requires: string[]
}

type M2m = Extract<RelationDefinition, { type: 'm2m' }>

/** Other collections' relations that depend on field `name` of `self` (o2m over its m2o). */
function dependents(
  self: CollectionDefinition,
  name: string,
  all: readonly CollectionDefinition[],
) {
  return all
    .filter((c) =>
      c.relations.some(
        (r) => r.type === 'o2m' && r.collection === self.slug && r.foreignKey === name,
      ),
    )
    .map((c) => c.slug)
}

/**
 * The new definition and DDL of a PATCH. `lookup` finds live collections of the workspace,
 * `all` lists every collection (for dependents), `columns` is the adopted table's columns.
 */
export function planPatch(
  current: CollectionDefinition,
  patch: z.output<typeof collectionPatch>,
  options: {
    lookup: CollectionLookup
    all: readonly CollectionDefinition[]
    dialect: SqlDialect
    now: string
    columns?: ReadonlySet<string>
  },
): SchemaPlan {
  const { dialect } = options
  const managed = current.kind === 'managed'
  const table = current.table
  let fields: FieldDefinition[] = [...current.fields]
  let relations: RelationDefinition[] = [...current.relations]
  const drops: Statement[] = []
  const adds: Statement[] = []
  const creates: string[] = []
  const requires: string[] = []

  // Drops first: nothing changes unless every dropped name exists and the drop is confirmed.
  if (patch.drop.length > 0 && managed && !patch.confirm)
    throw CollectionsErrors.DROP_NOT_CONFIRMED(patch.drop)
  for (const name of new Set(patch.drop)) {
    if (name === current.primaryKey.name) throw CollectionsErrors.PRIMARY_KEY_IMMUTABLE(name)
    const field = fields.find((f) => f.name === name)
    const relation = relations.find((r) => r.field === name)
    if (!field && !relation) throw CollectionsErrors.FIELD_NOT_FOUND(current.slug, name)
    const users = dependents(current, name, options.all)
    // A self-referencing o2m (children over parent) stays only if it is dropped as well.
    const selfUse = current.relations.some(
      (r) =>
        r.type === 'o2m' &&
        r.collection === current.slug &&
        r.foreignKey === name &&
        !patch.drop.includes(r.field),
    )
    if (selfUse) users.push(current.slug)
    if (users.length > 0) throw CollectionsErrors.FIELD_IN_USE(current.slug, name, users)
    if (field) {
      fields = fields.filter((f) => f.name !== name)
      if (managed) {
        // SQLite refuses to drop an indexed column: indexes go first.
        drops.push(dropIndex(table, name, true), dropIndex(table, name, false))
        drops.push(dropColumn(table, name))
      }
    } else if (relation) {
      relations = relations.filter((r) => r.field !== name)
      if (managed && relation.type === 'm2o') {
        if (dialect === 'sqlite')
          throw CollectionsErrors.CHANGE_NOT_SUPPORTED(
            current.slug,
            `SQLite cannot drop the foreign key column "${name}"`,
          )
        drops.push(dropIndex(table, name, false), dropColumn(table, name))
      }
      if (managed && relation.type === 'm2m') drops.push(dropTable(relation.junction ?? ''))
    }
  }

  for (const change of patch.change) {
    const index = fields.findIndex((f) => f.name === change.name)
    const field = fields[index]
    if (!field) throw CollectionsErrors.FIELD_NOT_FOUND(current.slug, change.name)
    const next: FieldDefinition = {
      ...field,
      ...(change.indexed === undefined ? {} : { indexed: change.indexed }),
      ...(change.unique === undefined ? {} : { unique: change.unique }),
      ...(change.searchable === undefined ? {} : { searchable: change.searchable }),
    }
    checkField(next)
    const indexChanged = next.indexed !== field.indexed || next.unique !== field.unique
    if (indexChanged && !managed)
      throw CollectionsErrors.ADOPTED_READ_ONLY_SCHEMA(current.slug, 'indexes are not changed')
    if (indexChanged) {
      drops.push(dropIndex(table, field.name, true), dropIndex(table, field.name, false))
      if (next.unique) adds.push(createIndex(table, field.name, true))
      else if (next.indexed) adds.push(createIndex(table, field.name, false))
    }
    fields[index] = next
  }

  const taken = new Set(fieldNames({ primaryKey: current.primaryKey, fields, relations }))
  for (const field of [...patch.fields, ...patch.relations.map((r) => ({ name: r.field }))]) {
    if (taken.has(field.name)) throw CollectionsErrors.FIELD_EXISTS(current.slug, field.name)
  }
  for (const field of patch.fields) {
    checkField(field)
    if (!managed) {
      if (!options.columns?.has(field.name))
        throw CollectionsErrors.INVALID_FIELD(field.name, `table "${table}" has no such column`)
      continue
    }
    const hasDefault = field.default !== undefined && field.default !== null
    if (field.required && !hasDefault)
      throw CollectionsErrors.REQUIRED_FIELD_NEEDS_DEFAULT(field.name)
    if (dialect === 'sqlite' && isNowDefault(field))
      throw CollectionsErrors.INVALID_FIELD(
        field.name,
        'SQLite cannot add a column defaulting to "$NOW" to an existing table',
      )
    adds.push(addColumn(table, fieldColumn(field, dialect)))
    if (field.unique) adds.push(createIndex(table, field.name, true))
    else if (field.indexed) adds.push(createIndex(table, field.name, false))
  }
  fields = [...fields, ...patch.fields]

  const self: CollectionDefinition = {
    ...current,
    fields,
    relations: [...relations, ...patch.relations],
  }
  const lookup: CollectionLookup = (slug) => (slug === current.slug ? self : options.lookup(slug))
  const added = resolveRelations(self, patch.relations, lookup)
  for (const relation of added) {
    const target = lookup(relation.collection)
    if (!target) continue
    if (relation.type === 'm2o') {
      if (!managed) {
        if (!options.columns?.has(relation.field))
          throw CollectionsErrors.INVALID_RELATION(
            relation.field,
            `table "${table}" has no such column`,
          )
        continue
      }
      if (relation.required) throw CollectionsErrors.REQUIRED_FIELD_NEEDS_DEFAULT(relation.field)
      adds.push(addColumn(table, foreignKeyColumn(relation, target, dialect)))
      adds.push(createIndex(table, relation.field, false))
    } else if (relation.type === 'm2m') {
      const m2m = relation as M2m
      if (managed) {
        creates.push(m2m.junction ?? '')
        adds.push(...createJunction(self, m2m, target, dialect))
      } else requires.push(m2m.junction ?? '')
    }
  }
  const def: CollectionDefinition = {
    ...self,
    relations: [...relations, ...added],
    updatedAt: options.now,
  }
  if (patch.note === null) delete def.note
  else if (patch.note !== undefined) def.note = patch.note
  checkNames(fieldNames(def))
  return { def, statements: [...drops, ...adds], creates, requires }
}
