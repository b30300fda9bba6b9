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

/**
 * The MCP guards under the product's names (`mcpReadOnly`, `mcpTools`) and their short aliases
 * (`readOnly`, `tools`); a body gives at most one spelling of each.
 */
const guardFields = {
  mcpReadOnly: z.boolean().optional().describe('Refuse every write made with this key'),
  mcpTools: toolList
    .nullable()
    .optional()
    .describe('Tools the key may call; null/absent: every tool'),
  readOnly: z.boolean().optional().describe('Alias of mcpReadOnly'),
  tools: toolList.nullable().optional().describe('Alias of mcpTools'),
}

interface GuardSpellings {
  mcpReadOnly?: boolean | undefined
  mcpTools?: string[] | null | undefined
  readOnly?: boolean | undefined
  tools?: string[] | null | undefined
}

/** Refuses a body that gives both spellings of a guard. */
function oneSpellingEach(guards: GuardSpellings, ctx: z.RefinementCtx): void {
  for (const [name, alias] of [
    ['mcpReadOnly', 'readOnly'],
    ['mcpTools', 'tools'],
  ] as const) {
    if (guards[name] !== undefined && guards[alias] !== undefined) {
      ctx.addIssue({ code: 'custom', path: [alias], message: `give ${name} or ${alias}, not both` })
    }
  }
}

/** Folds `mcpReadOnly` / `mcpTools` into `readOnly` / `tools`, the names the store uses. */
function canonicalGuards<T extends GuardSpellings>(input: T): Omit<T, 'mcpReadOnly' | 'mcpTools'> {
  const { mcpReadOnly, mcpTools, ...rest } = input
  return {
    ...rest,
    ...(mcpReadOnly !== undefined ? { readOnly: mcpReadOnly } : {}),
    ...(mcpTools !== undefined ? { tools: mcpTools } : {}),
  }
}

export const createApiKeyInput = z
  .strictObject({
    name: z.string().trim().min(1).max(100),
    roles: z
      .array(z.string().regex(ROLE_NAME, 'must be a role name'))
      .max(50)
      .optional()
      .describe('Roles the key carries, a subset of yours; default: all of yours'),
    ...guardFields,
    expiresAt: z.iso.datetime({ offset: true }).optional(),
  })
  .superRefine(oneSpellingEach)
  .transform(canonicalGuards)
export type CreateApiKeyInput = z.output<typeof createApiKeyInput>

/** The guard fields, before the "at least one" rule (tools extend it with the key id). */
export const apiKeyGuardsFields = z.strictObject(guardFields)

const atLeastOneGuard = (g: GuardSpellings) =>
  g.readOnly !== undefined ||
  g.tools !== undefined ||
  g.mcpReadOnly !== undefined ||
  g.mcpTools !== undefined

/** At least one guard, one spelling each, folded into `readOnly` / `tools`. */
export function withGuardRules<T extends GuardSpellings>(schema: z.ZodType<T>) {
  return schema
    .superRefine((guards, ctx) => {
      if (!atLeastOneGuard(guards)) {
        ctx.addIssue({ code: 'custom', path: [], message: 'give mcpReadOnly or mcpTools' })
      }
      oneSpellingEach(guards, ctx)
    })
    .transform(canonicalGuards)
}

export const apiKeyGuardsInput = withGuardRules(apiKeyGuardsFields)
export type ApiKeyGuards = z.output<typeof apiKeyGuardsInput>
