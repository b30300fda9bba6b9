// @backlex/permissions: roles, permission rules and the filter DSL (compiled to SQL and to
// in-process predicates that agree). The DSL alone is also at `@backlex/permissions/filter`.

export { type CheckedPermission, checkPermission } from './check-permission.js'
export {
  type CollectionFilterSchema,
  type CollectionSchemaSource,
  CollectionSchemas,
} from './collection-schemas.js'
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
export {
  type AccessTarget,
  CHANGES_CHANNEL,
  Permissions,
  type PermissionsService,
} from './service.js'
