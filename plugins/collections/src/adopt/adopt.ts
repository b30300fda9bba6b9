// Adopting an existing table: a definition built from its inspection (or checked against it),
// stored as metadata only. No DDL is ever run on an adopted table.
import type { SqlDialect } from '@backlex/kernel'
import type { z } from 'zod'
import type {
  CollectionDefinition,
  collectionInput,
  FieldDefinition,
  PrimaryKeyDefinition,
  RelationDefinition,
} from '../schema/definition.js'
import { IDENTIFIER, RESERVED_NAMES } from '../schema/definition.js'
import { CollectionsErrors } from '../schema/errors.js'
import type { SchemaPlan } from '../schema/patch.js'
import type { AnyDb } from '../schema/store.js'
import {
  type CollectionLookup,
  checkField,
  checkNames,
  fieldNames,
  resolveRelations,
} from '../schema/validate.js'
import { AdoptErrors } from './errors.js'
import { type InspectedColumn, inspectTable, type TableInspection } from './introspect.js'

export type AdoptInput = Extract<z.output<typeof collectionInput>, { kind: 'adopted' }>

/** Table names backlex can address: one plain identifier (no schema, no quotes). */
export const ADOPTABLE_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,62}$/

const usableName = (name: string) => IDENTIFIER.test(name) && !RESERVED_NAMES.has(name)

function primaryKeyOf(inspection: TableInspection): PrimaryKeyDefinition {
  const fail = (reason: string) => AdoptErrors.UNSUPPORTED_PRIMARY_KEY(inspection.table, reason)
  if (inspection.primaryKey.length === 0) throw fail('it has no primary key')
  if (inspection.primaryKey.length > 1) throw fail('its primary key has several columns')
  const name = inspection.primaryKey[0] ?? ''
  if (!usableName(name))
    throw fail(`its primary key column "${name}" is not a lower snake case name`)
  const column = inspection.columns.find((c) => c.name === name)
  switch (column?.type) {
    case 'integer':
    case 'bigInteger':
      return { name, type: 'integer' }
    case 'uuid':
      return { name, type: 'uuid' }
    case 'string':
    case 'text':
      return { name, type: 'string' }
    default:
      throw fail(`its primary key column "${name}" is neither an integer, a UUID nor text`)
  }
}

/** A field read off a column: required when NOT NULL without a default. */
export function inferField(column: InspectedColumn): FieldDefinition | undefined {
  if (column.type === null || !usableName(column.name)) return undefined
  return {
    name: column.name,
    type: column.type,
    required: !column.nullable && column.default === null,
    unique: column.unique,
    indexed: false,
    ...(column.length === undefined ? {} : { length: column.length }),
    ...(column.precision === undefined ? {} : { precision: column.precision }),
    ...(column.scale === undefined ? {} : { scale: column.scale }),
  }
}

/**
 * The definition of an adopted table. Without `fields`, every column backlex can represent
 * becomes a field, and foreign keys to tables wrapped by collections become m2o relations.
 */
export function planAdopt(
  workspace: string,
  input: AdoptInput,
  inspection: TableInspection,
  options: { lookup: CollectionLookup; all: readonly CollectionDefinition[]; now: string },
): SchemaPlan {
  const primaryKey = primaryKeyOf(inspection)
  const columns = new Map(inspection.columns.map((c) => [c.name, c]))
  let fields: FieldDefinition[]
  let relations: RelationDefinition[] = input.relations
  if (input.fields) {
    fields = input.fields
    for (const field of fields) {
      if (!columns.has(field.name) || field.name === primaryKey.name)
        throw CollectionsErrors.INVALID_FIELD(
          field.name,
          `table "${inspection.table}" has no such column`,
        )
      checkField(field)
    }
  } else {
    const explicit = new Set(relations.map((r) => r.field))
    const inferred: RelationDefinition[] = []
    for (const fk of inspection.foreignKeys) {
      if (explicit.has(fk.column) || !usableName(fk.column)) continue
      const target = options.all.find(
        (c) => c.table === fk.table && c.archivedAt === null && c.primaryKey.name === fk.references,
      )
      const onDelete = fk.onDelete === 'set default' ? 'no action' : fk.onDelete
      const column = columns.get(fk.column)
      if (target && column)
        inferred.push({
          type: 'm2o',
          field: fk.column,
          collection: target.slug,
          onDelete,
          required: !column.nullable,
        })
    }
    relations = [...relations, ...inferred]
    const taken = new Set(relations.map((r) => r.field))
    fields = inspection.columns
      .filter((c) => c.name !== primaryKey.name && !taken.has(c.name))
      .flatMap((c) => inferField(c) ?? [])
  }
  for (const relation of relations) {
    if (relation.type === 'm2o' && !columns.has(relation.field))
      throw CollectionsErrors.INVALID_RELATION(
        relation.field,
        `table "${inspection.table}" has no such column`,
      )
  }
  const draft: CollectionDefinition = {
    workspace,
    slug: input.slug,
    kind: 'adopted',
    table: inspection.table,
    primaryKey,
    fields,
    relations,
    ...(input.note === undefined ? {} : { note: input.note }),
    archivedAt: null,
    createdAt: options.now,
    updatedAt: options.now,
  }
  checkNames(fieldNames(draft))
  const lookup: CollectionLookup = (slug) => (slug === input.slug ? draft : options.lookup(slug))
  const def = { ...draft, relations: resolveRelations(draft, relations, lookup) }
  const junctions = def.relations.flatMap((r) => (r.type === 'm2m' ? [r.junction ?? ''] : []))
  return { def, statements: [], creates: [], requires: junctions }
}

/**
 * Adopted m2m relations use an existing junction table: it must exist, and the columns not
 * given are read off its foreign keys (to this table, then to the target's).
 */
export async function completeJunctions(
  db: AnyDb,
  dialect: SqlDialect,
  self: { slug: string; table: string },
  relations: readonly RelationDefinition[],
  lookup: CollectionLookup,
): Promise<RelationDefinition[]> {
  const out: RelationDefinition[] = []
  for (const relation of relations) {
    if (relation.type !== 'm2m' || !relation.junction) {
      out.push(relation)
      continue
    }
    const junction = await inspectTable(db, dialect, relation.junction)
    if (!junction) throw AdoptErrors.TABLE_NOT_FOUND(relation.junction)
    const targetTable =
      relation.collection === self.slug ? self.table : lookup(relation.collection)?.table
    const toSelf = junction.foreignKeys.filter((fk) => fk.table === self.table)
    const toTarget = junction.foreignKeys.filter((fk) => fk.table === targetTable)
    const sourceColumn = relation.sourceColumn ?? toSelf[0]?.column
    const targetColumn =
      relation.targetColumn ??
      (relation.collection === self.slug ? toTarget[1] : toTarget[0])?.column
    const columns = new Set(junction.columns.map((c) => c.name))
    for (const column of [sourceColumn, targetColumn]) {
      if (column === undefined || !columns.has(column))
        throw CollectionsErrors.INVALID_RELATION(
          relation.field,
          `junction "${relation.junction}" has no ${column === undefined ? 'foreign key column to use' : `column "${column}"`}; name it in sourceColumn / targetColumn`,
        )
    }
    out.push({ ...relation, sourceColumn, targetColumn })
  }
  return out
}
