// A small third-party-style plugin for the tests: notes in a real table, read and written by
// tools that apply @backlex/permissions rules (rows by filter, fields by list), as REST would.
import { Database, definePlugin, defineTool, KernelErrors, type ToolContext } from '@backlex/kernel'
import { CollectionSchemas, Permissions } from '@backlex/permissions'
import { z } from 'zod'

export const NOTES_TABLE = 'mcp_test_notes'
const COLUMNS = ['id', 'owner', 'title', 'secret'] as const

async function rules(ctx: ToolContext, action: 'read' | 'create' | 'delete') {
  const granted = await ctx
    .use(Permissions)
    .rulesFor(ctx.principal, { workspace: ctx.workspace, collection: 'notes', action })
  if (!granted) throw KernelErrors.FORBIDDEN(`You may not ${action} notes.`)
  return granted
}

const db = (ctx: ToolContext) => ctx.use(Database).db

export const noteTools = [
  defineTool({
    name: 'notes.list',
    description: 'Lists the notes you may read, with the fields you may read, oldest first.',
    input: z.object({ limit: z.number().int().min(1).max(100).default(50) }),
    annotation: 'read',
    async handler(ctx, { limit }) {
      const granted = await rules(ctx, 'read')
      const fields = COLUMNS.filter((c) => granted.fields === '*' || granted.fields.includes(c))
      let query = db(ctx)
        .selectFrom(NOTES_TABLE)
        .select(fields)
        .where('workspace', '=', ctx.workspace)
        .orderBy('id')
        .limit(limit)
      if (granted.filter) {
        const vars = ctx.use(Permissions).variables(ctx.principal)
        query = query.where(granted.filter.toSql(vars, { table: NOTES_TABLE }))
      }
      return { data: await query.execute() }
    },
  }),
  defineTool({
    name: 'notes.create',
    description: 'Creates a note owned by you. Returns it.',
    input: z.object({ title: z.string().min(1).max(200), secret: z.string().max(200).default('') }),
    annotation: 'write',
    async handler(ctx, input) {
      await rules(ctx, 'create')
      const row = {
        id: crypto.randomUUID(),
        workspace: ctx.workspace,
        owner: ctx.principal.userId ?? 'nobody',
        title: input.title,
        secret: input.secret,
      }
      await db(ctx).insertInto(NOTES_TABLE).values(row).execute()
      return { data: row }
    },
  }),
  defineTool({
    name: 'notes.delete',
    description: 'Deletes a note by id. Returns { deleted: id }.',
    input: z.object({ id: z.string().min(1) }),
    annotation: 'destructive',
    async handler(ctx, { id }) {
      await rules(ctx, 'delete')
      await db(ctx).deleteFrom(NOTES_TABLE).where('id', '=', id).execute()
      return { deleted: id }
    },
  }),
]

/** Notes: a table, three tools, and the collection schema permission filters are checked with. */
export const notes = definePlugin({
  name: '@acme/notes',
  version: '0.0.0',
  requires: [Database, Permissions],
  migrations: {
    '0001_notes': {
      async up(database) {
        await database.schema
          .createTable(NOTES_TABLE)
          .addColumn('id', 'text', (c) => c.primaryKey())
          .addColumn('workspace', 'text', (c) => c.notNull())
          .addColumn('owner', 'text', (c) => c.notNull())
          .addColumn('title', 'text', (c) => c.notNull())
          .addColumn('secret', 'text', (c) => c.notNull())
          .execute()
      },
    },
  },
  register(ctx) {
    for (const tool of noteTools) ctx.tool(tool)
    ctx.contribute(CollectionSchemas, (_workspace, collection) =>
      collection === 'notes'
        ? {
            schema: {
              id: { type: 'string' },
              owner: { type: 'string' },
              title: { type: 'string' },
              secret: { type: 'string' },
            },
          }
        : undefined,
    )
  },
})
