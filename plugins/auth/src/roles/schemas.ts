// Shapes of roles on the wire; routes, tools and the store share them.
import { z } from 'zod'

/** Role names: lowercase letters, digits, `_` and `-`, starting with a letter. */
export const ROLE_NAME = /^[a-z][a-z0-9_-]{0,62}$/

export const roleSchema = z.object({
  name: z.string(),
  description: z.string().nullable(),
  builtIn: z.boolean().describe('public, authenticated and admin: cannot be deleted'),
  createdAt: z.string(),
})
export type Role = z.infer<typeof roleSchema>

// Bodies are strict objects: an unknown key is a 400, not silently dropped.

export const roleName = z
  .string()
  .regex(ROLE_NAME, 'lowercase letters, digits, _ and -, starting with a letter')

export const createRoleInput = z.strictObject({
  name: roleName,
  description: z.string().max(500).nullable().optional(),
})

export const updateRoleInput = z.strictObject({
  description: z.string().max(500).nullable(),
})

export const setUserRolesInput = z.strictObject({
  roles: z.array(roleName).max(50),
})
