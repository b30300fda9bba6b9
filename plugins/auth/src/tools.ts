// Kernel tools (MCP, agents, the admin) over API keys, roles and users. Each runs as the
// caller's principal, with the same rules as the REST routes.
import { defineTool, type ToolContext, type ToolDefinition } from '@backlex/kernel'
import { z } from 'zod'
import { apiKeyGuardsFields, createApiKeyInput, withGuardRules } from './api-keys/schemas.js'
import { Auth } from './contract.js'
import { requireAdmin } from './guards.js'
import { createRoleInput, roleName, setUserRolesInput, updateRoleInput } from './roles/schemas.js'
import { listUsersInput } from './users/schemas.js'

const auth = (ctx: ToolContext) => ctx.use(Auth)
const keyId = z.string().min(1).max(100).describe('The id of the API key (from api_keys.list)')

export const authTools = [
  defineTool({
    name: 'api_keys.list',
    description:
      "Lists the calling user's API keys in this workspace: id, name, prefix (first characters of the secret), roles, readOnly, tools allowlist, createdAt, lastUsedAt, expiresAt, revokedAt. Secrets are never returned.",
    input: z.strictObject({}),
    annotation: 'read',
    handler: async (ctx) => ({ data: await auth(ctx).apiKeys.list(ctx.principal, ctx.workspace) }),
  }),
  defineTool({
    name: 'api_keys.create',
    description:
      'Creates an API key for the calling user and returns it with its secret, which is shown only this once: hand it to the user to store. `roles` must be roles the caller holds (default: all of them); `mcpReadOnly: true` refuses writes; `mcpTools` limits which tools the key may call (`readOnly` / `tools` are accepted as aliases). The key is returned with `readOnly` and `tools`.',
    input: createApiKeyInput,
    annotation: 'write',
    handler: async (ctx, input) => ({
      data: await auth(ctx).apiKeys.create(ctx.principal, ctx.workspace, input),
    }),
  }),
  defineTool({
    name: 'api_keys.revoke',
    description:
      'Revokes an API key by id; requests with it fail with 401 from the next one on. Revoking an already revoked key changes nothing. Returns the revoked key.',
    input: z.strictObject({ id: keyId }),
    annotation: 'destructive',
    handler: async (ctx, { id }) => ({
      data: await auth(ctx).apiKeys.revoke(ctx.principal, ctx.workspace, id),
    }),
  }),
  defineTool({
    name: 'api_keys.set_guards',
    description:
      "Changes an API key's MCP guards: `mcpReadOnly` (refuse writes) and `mcpTools` (list of tool names the key may call, or null for every tool); `readOnly` / `tools` are accepted as aliases. Returns the updated key.",
    input: withGuardRules(apiKeyGuardsFields.extend({ id: keyId })),
    annotation: 'write',
    handler: async (ctx, { id, ...guards }) => ({
      data: await auth(ctx).apiKeys.updateGuards(ctx.principal, ctx.workspace, id, guards),
    }),
  }),
  defineTool({
    name: 'roles.list',
    description:
      'Lists the roles of this workspace with their description and whether they are built in (public, authenticated, admin). Admins only.',
    input: z.strictObject({}),
    annotation: 'admin',
    handler: async (ctx) => {
      requireAdmin(ctx.principal, false)
      return { data: await auth(ctx).roles.list(ctx.workspace) }
    },
  }),
  defineTool({
    name: 'roles.create',
    description:
      'Creates a role in this workspace. `name`: lowercase letters, digits, _ and -, starting with a letter; fails with ROLE_EXISTS if taken. Give it permissions with the permissions tools. Returns { data: the role (name, description, builtIn, createdAt) }. Admins only.',
    input: createRoleInput,
    annotation: 'admin',
    handler: async (ctx, input) => {
      requireAdmin(ctx.principal, true)
      return { data: await auth(ctx).roles.create(ctx.workspace, input) }
    },
  }),
  defineTool({
    name: 'roles.update',
    description:
      "Changes a role's description (null clears it); fails with ROLE_NOT_FOUND for an unknown role. Returns { data: the updated role (name, description, builtIn, createdAt) }. Admins only.",
    input: updateRoleInput.extend({ name: roleName }),
    annotation: 'admin',
    handler: async (ctx, { name, ...input }) => {
      requireAdmin(ctx.principal, true)
      return { data: await auth(ctx).roles.update(ctx.workspace, name, input) }
    },
  }),
  defineTool({
    name: 'roles.delete',
    description:
      'Deletes a role and removes it from every user; built-in roles (public, authenticated, admin) cannot be deleted. Returns { deleted: name }. Admins only.',
    input: z.strictObject({ name: roleName }),
    annotation: 'admin',
    handler: async (ctx, { name }) => {
      requireAdmin(ctx.principal, true)
      await auth(ctx).roles.delete(ctx.workspace, name)
      return { deleted: name }
    },
  }),
  defineTool({
    name: 'users.list',
    description:
      'Lists users (id, name, email, emailVerified, createdAt) with their roles in this workspace, oldest first. `search` matches part of an email or name; page with `limit` (max 200) and `offset`; `meta.total` is the full count. Admins only.',
    input: z.strictObject(listUsersInput.shape),
    annotation: 'admin',
    handler: async (ctx, input) => {
      requireAdmin(ctx.principal, false)
      const { users, total } = await auth(ctx).users.list(ctx.workspace, input)
      return { data: users, meta: { total, limit: input.limit, offset: input.offset } }
    },
  }),
  defineTool({
    name: 'users.set_roles',
    description:
      "Replaces a user's roles in this workspace with `roles` (names from roles.list). An empty list leaves the user with `authenticated`. Refuses to remove the last admin (LAST_ADMIN). Returns { data: the user (id, name, email, emailVerified, createdAt, roles) }. Admins only.",
    input: setUserRolesInput.extend({ userId: z.string().min(1).max(100) }),
    annotation: 'admin',
    handler: async (ctx, { userId, roles }) => {
      requireAdmin(ctx.principal, true)
      const service = auth(ctx)
      await service.roles.setUserRoles(ctx.workspace, userId, roles)
      return { data: await service.users.get(ctx.workspace, userId) }
    },
  }),
] as ToolDefinition[]
