// POST /api/collections for managed collections: the stored definition and its CREATE TABLE.
import type { SqlDialect } from '@backlex/kernel'
import type { z } from 'zod'
import { createCollectionStatements } from './ddl.js'
import type { CollectionDefinition, collectionInput } from './definition.js'
import type { SchemaPlan } from './patch.js'
import {
  type CollectionLookup,
  checkField,
  checkNames,
  fieldNames,
  managedTableName,
  resolveRelations,
} from './validate.js'

export type ManagedInput = Extract<z.output<typeof collectionInput>, { kind: 'managed' }>

/** The definition and DDL of a new managed collection; `lookup` finds live collections. */
export function planCreateManaged(
  workspace: string,
  input: ManagedInput,
  options: { lookup: CollectionLookup; dialect: SqlDialect; now: string },
): SchemaPlan {
  const draft: CollectionDefinition = {
    workspace,
    slug: input.slug,
    kind: 'managed',
    table: managedTableName(workspace, input.slug),
    primaryKey: input.primaryKey,
    fields: input.fields,
    relations: input.relations,
    ...(input.note === undefined ? {} : { note: input.note }),
    archivedAt: null,
    createdAt: options.now,
    updatedAt: options.now,
  }
  for (const field of draft.fields) checkField(field)
  checkNames(fieldNames(draft))
  const lookup: CollectionLookup = (slug) => (slug === input.slug ? draft : options.lookup(slug))
  const def = { ...draft, relations: resolveRelations(draft, draft.relations, lookup) }
  const junctions = def.relations.flatMap((r) => (r.type === 'm2m' ? [r.junction ?? ''] : []))
  return {
    def,
    statements: createCollectionStatements(def, lookup, options.dialect),
    creates: [def.table, ...junctions],
    requires: [],
  }
}
