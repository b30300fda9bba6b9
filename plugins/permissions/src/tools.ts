// Kernel tools over the permission rules (MCP, agents, the admin UI); all need an admin.
import { defineTool, type ToolDefinition } from '@backlex/kernel'
import { z } from 'zod'
import { Permissions } from './contract.js'
import { permissionInput, permissionPatch, permissionQuery } from './schemas.js'

const DSL =
  'Filters use the Directus syntax: { field: { _eq | _neq | _lt | _lte | _gt | _gte | _in | _nin | _null | _nnull | _contains | _icontains | _starts_with | _ends_with | _between | _empty | ... : value } }, combined with _and / _or; values may be variables such as "$CURRENT_USER", "$CURRENT_ROLES" or "$NOW(-1 day)".'

export const permissionTools: ToolDefinition[] = [
  defineTool({
    name: 'permissions.list',
    description:
      'Lists the permission rules of the current workspace, optionally only those of one role, collection or action (create, read, update, delete). Access is denied unless a rule allows it; admins bypass rules.',
    input: permissionQuery,
    annotation: 'admin',
    handler: (ctx, input) => ctx.use(Permissions).list(ctx.workspace, input),
  }),
  defineTool({
    name: 'permissions.create',
    description: `Creates the rule letting a role (e.g. "public" for anonymous callers, "authenticated", or a custom role) perform an action on a collection. "filter" limits the rows (read, update, delete), "fields" lists visible/writable fields or "*", "validation" checks new values (create, update), "presets" sets defaults. ${DSL} Returns the stored rule; fails if the role already has a rule for that action, or names the path of an invalid filter.`,
    input: permissionInput,
    annotation: 'admin',
    handler: (ctx, input) => ctx.use(Permissions).create(ctx.workspace, input),
  }),
  defineTool({
    name: 'permissions.update',
    description: `Changes a permission rule by id; only the given properties change (null clears filter, validation or presets). ${DSL} Returns the updated rule.`,
    input: permissionPatch.extend({ id: z.string().min(1).describe('Id of the rule') }),
    annotation: 'admin',
    handler: (ctx, { id, ...patch }) => ctx.use(Permissions).update(ctx.workspace, id, patch),
  }),
  defineTool({
    name: 'permissions.delete',
    description:
      'Deletes a permission rule by id; the role immediately loses that access (access is denied by default). Returns { deleted: id }.',
    input: z.strictObject({ id: z.string().min(1).describe('Id of the rule') }),
    annotation: 'admin',
    handler: async (ctx, { id }) => {
      await ctx.use(Permissions).remove(ctx.workspace, id)
      return { deleted: id }
    },
  }),
]
