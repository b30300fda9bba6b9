// The zod schemas of a permission: they validate routes and tools and describe them in OpenAPI.
import { z } from 'zod'
import { ROLE_NAME } from './roles.js'

export const PERMISSION_ACTIONS = ['create', 'read', 'update', 'delete'] as const
export const permissionAction = z.enum(PERMISSION_ACTIONS)
export type PermissionAction = z.output<typeof permissionAction>

/** Collection names permissions can refer to. */
export const COLLECTION_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,62}$/

const filterJson = z
  .record(z.string(), z.unknown())
  .nullable()
  .describe(
    'A filter in the Directus syntax, e.g. { "owner": { "_eq": "$CURRENT_USER" } }; null: every row',
  )

const fieldsJson = z
  .union([z.literal('*'), z.array(z.string().min(1).max(64)).max(500)])
  .describe('Fields the role may read or write: "*" or a list of names')

const shape = {
  role: z
    .string()
    .regex(ROLE_NAME, 'lower-case letters, digits, "_" and "-", starting with a letter')
    .describe('Role name, e.g. "public", "authenticated" or a custom role such as "editor"'),
  collection: z
    .string()
    .regex(COLLECTION_NAME, 'a collection name (letters, digits and "_")')
    .describe('Collection the rule applies to'),
  action: permissionAction.describe('What the rule allows'),
  filter: filterJson.describe('Rows the rule covers (read, update, delete); null: every row'),
  fields: fieldsJson,
  validation: filterJson.describe('A filter new values must pass (create, update); null: no check'),
  presets: z
    .record(z.string(), z.unknown())
    .nullable()
    .describe(
      'Default values for new or changed rows (create, update); variables such as "$CURRENT_USER" allowed',
    ),
}

/** Body of `POST /api/permissions`; unknown keys are refused (400), as in every body. */
export const permissionInput = z.strictObject({
  role: shape.role,
  collection: shape.collection,
  action: shape.action,
  filter: shape.filter.default(null),
  fields: shape.fields.default('*'),
  validation: shape.validation.default(null),
  presets: shape.presets.default(null),
})
export type PermissionInput = z.input<typeof permissionInput>

/** Body of `PATCH /api/permissions/:id`: any subset of the fields. */
export const permissionPatch = z.strictObject({
  role: shape.role.optional(),
  collection: shape.collection.optional(),
  action: shape.action.optional(),
  filter: shape.filter.optional(),
  fields: shape.fields.optional(),
  validation: shape.validation.optional(),
  presets: shape.presets.optional(),
})
export type PermissionPatch = z.output<typeof permissionPatch>

/** A stored permission. */
export const permissionSchema = z.object({
  id: z.string(),
  workspace: z.string(),
  role: z.string(),
  collection: z.string(),
  action: permissionAction,
  filter: z.record(z.string(), z.unknown()).nullable(),
  fields: z.union([z.literal('*'), z.array(z.string())]),
  validation: z.record(z.string(), z.unknown()).nullable(),
  presets: z.record(z.string(), z.unknown()).nullable(),
  createdAt: z.string().describe('ISO 8601'),
  updatedAt: z.string().describe('ISO 8601'),
})
export type Permission = z.output<typeof permissionSchema>

/** Query of `GET /api/permissions`. */
export const permissionQuery = z.strictObject({
  role: z.string().max(64).optional(),
  collection: z.string().max(64).optional(),
  action: permissionAction.optional(),
})
export type PermissionQuery = z.output<typeof permissionQuery>
