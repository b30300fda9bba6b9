// Kernel tools over collection schemas (MCP, agents, the admin UI). Reading tools show a caller
// the schema as `Collections.visibleTo` draws it for its rules; changing tools need an admin.
import { defineTool, type ToolContext, type ToolDefinition } from '@backlex/kernel'
import { z } from 'zod'
import { Collections } from '../contract.js'
import { collectionInput } from './definition.js'
import { CollectionsErrors } from './errors.js'
import { collectionPatch } from './patch.js'

const TYPES =
  'Field types: string (length, default 255), text, integer, bigInteger, float, decimal (precision, scale), boolean, date (YYYY-MM-DD), time (HH:MM:SS), datetime and timestamp (ISO 8601, UTC), uuid, json, enum (choices). Relations: m2o (a foreign key column to another collection, onDelete "set null" | "cascade" | "restrict" | "no action"), o2m (the other side of an m2o, no column), m2m (a junction table).'

/** The collection as the caller may see it (see `visibleTo`), or COLLECTION_NOT_FOUND. */
async function find(ctx: ToolContext, slug: string) {
  const shown = await ctx.use(Collections).visibleTo(ctx.principal, ctx.workspace)
  const found = shown.find((c) => c.slug === slug)
  if (!found) throw CollectionsErrors.COLLECTION_NOT_FOUND(slug)
  return found
}

const slugInput = z.strictObject({
  slug: z.string().min(1).describe('The collection slug, e.g. "posts"'),
})

export const collectionTools: ToolDefinition[] = [
  defineTool({
    name: 'collections.list',
    description:
      'Lists the collections of the current workspace that the caller has a permission rule on: slug, kind (managed: backlex owns the table; adopted: an existing table), primary key, the fields it may read and relations to collections it may read. Use the slugs with the items tools and /api/items/<slug>.',
    input: z.strictObject({}),
    annotation: 'read',
    handler: (ctx) => ctx.use(Collections).visibleTo(ctx.principal, ctx.workspace),
  }),
  defineTool({
    name: 'collections.get',
    description:
      'Returns one collection by slug: primary key, the fields the caller may read (name, type, required, unique, default, choices) and relations to collections it may read (admins also see the table). Fails with COLLECTION_NOT_FOUND when it does not exist or the caller has no rule on it.',
    input: slugInput,
    annotation: 'read',
    handler: (ctx, { slug }) => find(ctx, slug),
  }),
  defineTool({
    name: 'collections.fields',
    description:
      'Returns just the field names and types of a collection (primary key first, then fields, then relations with their target), the quickest way to know what to filter, sort or write.',
    input: slugInput,
    annotation: 'read',
    handler: async (ctx, { slug }) => {
      const def = await find(ctx, slug)
      return [
        { name: def.primaryKey.name, type: def.primaryKey.type, primaryKey: true },
        ...def.fields.map((f) => ({
          name: f.name,
          type: f.type,
          required: f.required,
          ...(f.choices ? { choices: f.choices } : {}),
        })),
        ...def.relations.map((r) => ({
          name: r.field,
          relation: r.type,
          collection: r.collection,
        })),
      ]
    },
  }),
  defineTool({
    name: 'collections.create',
    description: `Creates a collection. Managed (default): { slug, primaryKey?: { name, type: integer | uuid | string }, fields: [{ name, type, required?, unique?, indexed?, default? }], relations? } creates the table at once. Adopted: { kind: "adopted", slug, table } wraps an existing table without altering it. Names are lower snake case. ${TYPES} Returns the stored collection.`,
    input: collectionInput,
    annotation: 'admin',
    handler: (ctx, input) => ctx.use(Collections).create(ctx.workspace, input),
  }),
  defineTool({
    name: 'collections.update',
    description: `Changes a collection additively: "fields" adds fields (a required one needs a default), "relations" adds relations, "change" adds or removes indexes and unique constraints ([{ name, indexed?, unique? }]), "drop" removes fields and deletes their data, and only with "confirm": true. All or nothing. ${TYPES} Returns the updated collection.`,
    input: collectionPatch.extend({ slug: z.string().min(1).describe('The collection to change') }),
    annotation: 'admin',
    handler: (ctx, { slug, ...patch }) => ctx.use(Collections).update(ctx.workspace, slug, patch),
  }),
  defineTool({
    name: 'collections.delete',
    description:
      'Deletes a collection. A managed collection loses its table and every item in it (irreversible); an adopted one is archived and its table kept (restore it with POST /api/collections/<slug>/restore). Fails with COLLECTION_IN_USE while other collections relate to it. Returns { slug, result: "dropped" | "archived" }. Admins only.',
    input: slugInput,
    // Admin, like create and update: agents that may not use it do not see it (MCP still marks
    // admin tools destructive).
    annotation: 'admin',
    handler: (ctx, { slug }) => ctx.use(Collections).remove(ctx.workspace, slug),
  }),
]
