// Shapes of users on the wire; routes, tools and the store share them.
import { z } from 'zod'

export const userSchema = z.object({
  id: z.string(),
  name: z.string(),
  email: z.string(),
  emailVerified: z.boolean(),
  createdAt: z.string(),
  roles: z.array(z.string()).describe('Roles in this workspace'),
})
export type UserSummary = z.infer<typeof userSchema>

export const listUsersInput = z.object({
  limit: z.coerce.number().int().min(1).max(200).default(50),
  offset: z.coerce.number().int().min(0).default(0),
  search: z.string().trim().min(1).max(200).optional().describe('Part of an email or name'),
})
