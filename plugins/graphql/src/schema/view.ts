// What one caller may see of a workspace: per collection, the fields it may read and write.
// Built on every request from cached services; its key names the schema to build or reuse.
import type { CollectionDefinition, CollectionsService, FieldType } from '@backlex/collections'
import type { Principal } from '@backlex/kernel'
import type { AccessRules, PermissionAction, PermissionsService } from '@backlex/permissions'

export interface CollectionView {
  readonly definition: CollectionDefinition
  /** Readable fields: columns, many-to-one keys and relation aliases (the key always). */
  readonly read: ReadonlySet<string>
  /** Fields a create may set; null when the caller may not create. */
  readonly create: ReadonlySet<string> | null
  readonly update: ReadonlySet<string> | null
  readonly delete: boolean
}

export interface SchemaView {
  readonly workspace: string
  readonly version: number
  readonly roles: readonly string[]
  readonly collections: ReadonlyMap<string, CollectionView>
  /**
   * The key type of every collection of the workspace, readable or not: a many-to-one key to a
   * collection the caller cannot read is still shown, with its own type (Int for integer keys).
   */
  readonly keyTypes: ReadonlyMap<string, FieldType>
  /** Workspace, schema version, role set and the access fingerprint: one schema per key. */
  readonly key: string
}

/** The key type of a collection, as a field type. */
export function keyType(def: CollectionDefinition): FieldType {
  return def.primaryKey.type === 'integer'
    ? 'integer'
    : def.primaryKey.type === 'uuid'
      ? 'uuid'
      : 'string'
}

/** Every field name of a collection: its key, plain fields and relation fields. */
export function fieldNames(def: CollectionDefinition): string[] {
  return [
    def.primaryKey.name,
    ...def.fields.map((f) => f.name),
    ...def.relations.map((r) => r.field),
  ]
}

function allowed(def: CollectionDefinition, rules: AccessRules | null, keyAlways: boolean) {
  if (!rules) return null
  const names = fieldNames(def)
  const fields = rules.fields
  return new Set(
    names.filter(
      (name) =>
        fields === '*' || fields.includes(name) || (keyAlways && name === def.primaryKey.name),
    ),
  )
}

/**
 * The caller's view of `workspace`. Reads the schema version before the definitions, so a
 * schema built from a view is never older than its key says.
 * @example
 * const view = await schemaView(collections, permissions, ctx.principal, ctx.workspace)
 * view.collections.get('articles')?.read.has('secret')
 */
export async function schemaView(
  collections: CollectionsService,
  permissions: PermissionsService,
  principal: Principal,
  workspace: string,
): Promise<SchemaView> {
  const version = await collections.version(workspace)
  const definitions = await collections.list(workspace)
  const rules = (collection: string, action: PermissionAction) =>
    permissions.rulesFor(principal, { workspace, collection, action })
  const views = await Promise.all(
    definitions.map(async (definition): Promise<CollectionView | null> => {
      const slug = definition.slug
      const [read, create, update, remove] = await Promise.all([
        rules(slug, 'read'),
        rules(slug, 'create'),
        rules(slug, 'update'),
        rules(slug, 'delete'),
      ])
      const readable = allowed(definition, read, true)
      if (!readable) return null
      return {
        definition,
        read: readable,
        create: allowed(definition, create, false),
        update: allowed(definition, update, false),
        delete: remove !== null,
      }
    }),
  )
  const map = new Map<string, CollectionView>()
  const parts: string[] = []
  for (const view of views) {
    if (!view) continue
    map.set(view.definition.slug, view)
    const list = (set: ReadonlySet<string> | null) => (set ? [...set].join(',') : '-')
    parts.push(
      `${view.definition.slug}(${list(view.read)}|${list(view.create)}|${list(view.update)}|${view.delete ? 'd' : '-'})`,
    )
  }
  const roles = [...principal.roles].sort()
  const who = `${principal.admin ? 'admin' : ''}:${roles.join(',')}`
  return {
    workspace,
    version,
    roles,
    collections: map,
    keyTypes: new Map(definitions.map((d) => [d.slug, keyType(d)])),
    key: `${workspace}\u0000${version}\u0000${who}\u0000${parts.join(';')}`,
  }
}
