// @backlex/permissions: roles, permission rules and the filter DSL (compiled to SQL and to
// in-process predicates that agree). The DSL alone is also at `@backlex/permissions/filter`;
// the token, extension point and types alone at `@backlex/permissions/contract`.

export { type CheckedPermission, checkPermission } from './check-permission.js'
export {
  type AccessTarget,
  type CollectionFilterSchema,
  type CollectionSchemaSource,
  CollectionSchemas,
  Permissions,
  type PermissionsService,
} from './contract.js'
export { type PermissionsErrorCode, PermissionsErrors } from './errors.js'
export * from './filter/index.js'
export { PERMISSIONS_TABLE } from './migrations.js'
export { type PermissionsOptions, permissions, permissionsOptions } from './plugin.js'
export {
  ADMIN_ROLE,
  AUTHENTICATED_ROLE,
  effectiveRoles,
  isAdmin,
  PUBLIC_ROLE,
  ROLE_NAME,
} from './roles.js'
export { requireAdmin } from './routes.js'
export {
  type AccessRules,
  ADMIN_RULES,
  combineGrants,
  type FieldVisibility,
  fieldVisibility,
  type Grant,
  resolvePresets,
} from './rules.js'
export {
  COLLECTION_NAME,
  PERMISSION_ACTIONS,
  type Permission,
  type PermissionAction,
  type PermissionInput,
  type PermissionPatch,
  type PermissionQuery,
  permissionAction,
  permissionInput,
  permissionPatch,
  permissionQuery,
  permissionSchema,
} from './schemas.js'
export { CHANGES_CHANNEL } from './service.js'
