// Shapes of API keys on the wire; routes, tools and the store share them.
import { z } from 'zod'
import { ROLE_NAME } from '../roles/schemas.js'

/** Same rule as kernel tool names. */
const TOOL_NAME = /^[a-z][a-z0-9_.-]{0,63}$/

export const apiKeySchema = z.object({
  id: z.string(),
  name: z.string(),
  prefix: z.string().describe('`blx_` and the next 8 characters of the secret'),
  userId: z.string(),
  roles: z.array(z.string()),
  readOnly: z.boolean(),
  tools: z.array(z.string()).nullable().describe('Tools the key may call; null: every tool'),
  createdAt: z.string(),
  lastUsedAt: z.string().nullable(),
  expiresAt: z.string().nullable(),
  revokedAt: z.string().nullable(),
})
export type ApiKey = z.infer<typeof apiKeySchema>

export const createdApiKeySchema = apiKeySchema.extend({
  secret: z.string().describe('Shown once: send it as `Authorization: Bearer <secret>`'),
})

const toolList = z.array(z.string().regex(TOOL_NAME, 'must be a tool name')).max(200)

export const createApiKeyInput = z.object({
  name: z.string().trim().min(1).max(100),
  roles: z
    .array(z.string().regex(ROLE_NAME, 'must be a role name'))
    .max(50)
    .optional()
    .describe('Roles the key carries, a subset of yours; default: all of yours'),
  readOnly: z.boolean().optional().describe('Refuse every write made with this key'),
  tools: toolList.nullable().optional().describe('Tools the key may call; null/absent: every tool'),
  expiresAt: z.iso.datetime({ offset: true }).optional(),
})
export type CreateApiKeyInput = z.output<typeof createApiKeyInput>

/** The guard fields, before the "at least one" rule (tools extend it with the key id). */
export const apiKeyGuardsFields = z.object({
  readOnly: z.boolean().optional().describe('Refuse every write made with this key'),
  tools: toolList.nullable().optional().describe('Tools the key may call; null: every tool'),
})

export const atLeastOneGuard = (g: { readOnly?: boolean | undefined; tools?: unknown }) =>
  g.readOnly !== undefined || g.tools !== undefined

export const apiKeyGuardsInput = apiKeyGuardsFields.refine(atLeastOneGuard, {
  message: 'give readOnly or tools',
})
export type ApiKeyGuards = z.output<typeof apiKeyGuardsInput>
