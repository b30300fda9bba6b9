// Zod schemas of what the HTTP API returns, for validation-free documentation in /api/openapi.
import { z } from 'zod'
import { fieldDefinition, primaryKeyDefinition, relationDefinition } from './definition.js'

/** A stored collection, as GET /api/collections returns it. */
export const collectionDefinitionSchema = z.object({
  workspace: z.string(),
  slug: z.string(),
  kind: z.enum(['managed', 'adopted']),
  table: z.string(),
  primaryKey: primaryKeyDefinition,
  fields: z.array(fieldDefinition),
  relations: z.array(relationDefinition),
  note: z.string().optional(),
  archivedAt: z.string().nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
})

/**
 * A body the route passes through unvalidated (the service validates it, after the admin check,
 * answering with this package's codes) while /api/openapi still documents `schema`.
 */
export function documentedBody(schema: z.ZodType): z.ZodType<unknown> {
  const { $schema: _ignored, ...json } = z.toJSONSchema(schema, {
    io: 'input',
    unrepresentable: 'any',
    target: 'draft-2020-12',
  }) as Record<string, unknown>
  return z.unknown().meta(json)
}
