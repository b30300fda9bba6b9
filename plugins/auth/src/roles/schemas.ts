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

export const roleName = z
  .string()
  .regex(ROLE_NAME, 'lowercase letters, digits, _ and -, starting with a letter')

export const createRoleInput = z.object({
  name: roleName,
  description: z.string().max(500).nullable().optional(),
})

export const updateRoleInput = z.object({
  description: z.string().max(500).nullable(),
})

export const setUserRolesInput = z.object({
  roles: z.array(roleName).max(50),
})
