// A workspace's collections as one caller may see them (the collections.* tools, MCP resources),
// drawn from its rules as /api/openapi is: only collections it has a rule on, only fields it
// may read, relation targets only when it may read them, physical names only for admins.
import type { Principal, SqlDialect } from '@backlex/kernel'
import {
  type AccessRules,
  fieldVisibility,
  isAdmin,
  PERMISSION_ACTIONS,
  type PermissionAction,
} from '@backlex/permissions'
import type { CollectionDefinition, FieldDefinition, PrimaryKeyDefinition } from './definition.js'

/** A relation as a non-admin sees it: no junction table or junction columns. */
export interface RelationView {
  type: 'm2o' | 'o2m' | 'm2m'
  field: string
  /** The related collection; left out of a many-to-one whose target the caller may not read. */
  collection?: string
  onDelete?: string
  required?: boolean
  /** o2m: the target's field pointing back here, when the caller may read it. */
  foreignKey?: string
}

/** A collection as one caller sees it; admins get the stored definition (`table` included). */
export interface CollectionView {
  workspace: string
  slug: string
  kind: 'managed' | 'adopted'
  /** Admins only: the physical table. */
  table?: string
  primaryKey: PrimaryKeyDefinition
  fields: FieldDefinition[]
  relations: RelationView[] | CollectionDefinition['relations']
  note?: string
}

/** The caller's rules for `action` on a collection (null: none), as `Permissions.rulesFor`. */
export type RulesOf = (slug: string, action: PermissionAction) => Promise<AccessRules | null>

/**
 * `all` (live collections) as `principal` may see them.
 * @example
 * const shown = await visibleCollections(await collections.list('main'), principal, (slug, action) =>
 *   permissions.rulesFor(principal, { workspace: 'main', collection: slug, action }), 'sqlite')
 */
export async function visibleCollections(
  all: readonly CollectionDefinition[],
  principal: Principal,
  rulesOf: RulesOf | undefined,
  dialect: SqlDialect,
): Promise<CollectionView[]> {
  if (isAdmin(principal)) return [...all]
  // Without permission rules there is no way to tell what a non-admin may see: nothing.
  if (!rulesOf) return []
  const allowed = new Map<string, Record<PermissionAction, AccessRules | null>>()
  for (const def of all) {
    const rules: Partial<Record<PermissionAction, AccessRules | null>> = {}
    for (const action of PERMISSION_ACTIONS) rules[action] = await rulesOf(def.slug, action)
    if (PERMISSION_ACTIONS.some((a) => rules[a])) {
      allowed.set(def.slug, rules as Record<PermissionAction, AccessRules | null>)
    }
  }
  // Readable fields only, as the items API reads them (a field visible on some rows counts).
  const shown = (def: CollectionDefinition, field: string) => {
    const read = allowed.get(def.slug)?.read
    if (!read) return false
    const options = { primaryKey: def.primaryKey.name, dialect }
    return fieldVisibility(read, field, options).kind !== 'none'
  }
  const readable = (slug: string) => Boolean(allowed.get(slug)?.read)
  const bySlug = new Map(all.map((d) => [d.slug, d]))
  const out: CollectionView[] = []
  for (const def of all) {
    if (!allowed.has(def.slug)) continue
    const relations: RelationView[] = []
    for (const relation of def.relations) {
      if (!shown(def, relation.field)) continue
      if (!readable(relation.collection)) {
        // As the items API answers: a readable many-to-one still reads as its raw key, without
        // saying where it leads; a list of related items the caller cannot read is left out.
        if (relation.type === 'm2o') relations.push({ type: 'm2o', field: relation.field })
        continue
      }
      const view: RelationView = {
        type: relation.type,
        field: relation.field,
        collection: relation.collection,
      }
      if (relation.type === 'm2o') {
        view.onDelete = relation.onDelete
        view.required = relation.required
      }
      const target = bySlug.get(relation.collection)
      if (relation.type === 'o2m' && target && shown(target, relation.foreignKey)) {
        view.foreignKey = relation.foreignKey
      }
      relations.push(view)
    }
    out.push({
      workspace: def.workspace,
      slug: def.slug,
      kind: def.kind,
      primaryKey: def.primaryKey,
      fields: def.fields.filter((f) => shown(def, f.name)),
      relations,
      ...(def.note ? { note: def.note } : {}),
    })
  }
  return out
}
