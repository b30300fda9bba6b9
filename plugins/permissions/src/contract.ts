// @backlex/permissions/contract: the Permissions token, the CollectionSchemas extension point
// and the types of the service and its rules. Types only besides the two definitions: importing
// it pulls in none of the implementation.
import { defineExtensionPoint, defineService, type Principal } from '@backlex/kernel'
import type { RelationResolver } from './filter/ast.js'
import type { FilterSchema } from './filter/field-types.js'
import type { FilterVariables } from './filter/variables.js'
import type { AccessRules } from './rules.js'
import type {
  Permission,
  PermissionAction,
  PermissionInput,
  PermissionPatch,
  PermissionQuery,
} from './schemas.js'

export type {
  ConditionNode,
  FieldOperator,
  FilterNode,
  FilterRelation,
  LogicalNode,
  Operand,
  RelationNode,
  RelationResolver,
} from './filter/ast.js'
export type {
  CanonicalValue,
  FieldDefinition,
  FieldType,
  FilterSchema,
} from './filter/field-types.js'
export type { DateFunction, FieldFunction, FunctionCall } from './filter/functions.js'
export type { MatcherOptions, Row, RowPredicate } from './filter/match.js'
export type { PreparedFilter } from './filter/prepare.js'
export type { FilterVariables, VariableName, VariableReference } from './filter/variables.js'
export type { AccessRules, FieldVisibility, Grant } from './rules.js'
export type {
  Permission,
  PermissionAction,
  PermissionInput,
  PermissionPatch,
  PermissionQuery,
} from './schemas.js'

/** What a rule is asked about. */
export interface AccessTarget {
  workspace: string
  collection: string
  action: PermissionAction
}

export interface PermissionsService {
  /**
   * The caller's rules for an action on a collection, or null when it may not act at all.
   * Admins get everything; anonymous callers hold `public`; read-only API keys may only read.
   * @example
   * const rules = await permissions.rulesFor(ctx.principal, { workspace: ctx.workspace, collection: 'posts', action: 'read' })
   * if (!rules) throw PermissionsErrors.FORBIDDEN('You may not read posts.')
   * const where = rules.filter?.toSql(permissions.variables(ctx.principal), { table: 'c_main_posts' })
   */
  rulesFor(principal: Principal, target: AccessTarget): Promise<AccessRules | null>
  /** The filter variables of a caller now (`$NOW` from the kernel's Clock). */
  variables(principal: Principal): FilterVariables
  list(workspace: string, query?: PermissionQuery): Promise<Permission[]>
  /** Throws PERMISSION_NOT_FOUND for an unknown id. */
  get(workspace: string, id: string): Promise<Permission>
  /** Validates and stores a rule; throws INVALID_FILTER, INVALID_PERMISSION or PERMISSION_EXISTS. */
  create(workspace: string, input: PermissionInput): Promise<Permission>
  update(workspace: string, id: string, patch: PermissionPatch): Promise<Permission>
  remove(workspace: string, id: string): Promise<void>
  /** Drops cached rules (of one workspace, or all); call it when a collection's schema changes. */
  invalidate(workspace?: string): void
}

/**
 * The service token other plugins list in `requires` (or `optional`).
 * @example
 * definePlugin({ name: '@acme/reports', version: '1.0.0', requires: [Permissions],
 *   boot(ctx) { const permissions = ctx.use(Permissions) } })
 */
export const Permissions = defineService<PermissionsService>('backlex.permissions')

export interface CollectionFilterSchema {
  /** The collection's fields and their types. */
  readonly schema: FilterSchema
  /** Resolves its relational fields (`author.country`, `_some`, `_none`), when it has any. */
  readonly relations?: RelationResolver
}

/** The schema of `collection` in `workspace`, or undefined when this source does not know it. */
export type CollectionSchemaSource = (
  workspace: string,
  collection: string,
) => Promise<CollectionFilterSchema | undefined> | CollectionFilterSchema | undefined

/**
 * Where permissions learn a collection's fields and relations, to validate rules and compare
 * values by type. Schema sources are asked in plugin order; the first answer wins. Without any,
 * filters are checked for structure only and compare values like to like (docs/permissions.md).
 * @example
 * ctx.contribute(CollectionSchemas, (workspace, collection) =>
 *   collection === 'posts' ? { schema: { title: { type: 'string' }, owner: { type: 'uuid' } } } : undefined)
 */
export const CollectionSchemas = defineExtensionPoint<CollectionSchemaSource>(
  'backlex.permissions.collection-schemas',
)
