// Plugins the preset's tests serve: a route without state, and notes stored in the Database.
import { Database, definePlugin, defineRoute, defineService } from '@backlex/kernel'
import { z } from 'zod'

export const hello = definePlugin({
  name: '@test/hello',
  version: '1.0.0',
  register(ctx) {
    ctx.route(
      defineRoute({
        method: 'get',
        path: '/hello/:name',
        params: z.object({ name: z.string().min(1) }),
        handler: ({ params }) => ({ greeting: `Hello, ${params.name}` }),
      }),
    )
    ctx.route(
      defineRoute({
        method: 'get',
        path: '/client-address',
        handler: ({ ctx }) => ({ clientAddress: ctx.clientAddress }),
      }),
    )
  },
})

/** Notes in a table of their own, created by a migration (applied at boot in dev mode). */
export const notes = definePlugin({
  name: '@test/notes',
  version: '1.0.0',
  requires: [Database],
  migrations: {
    '0001_notes': {
      async up(db) {
        await db.schema
          .createTable('test_notes')
          .addColumn('id', 'integer', (c) => c.primaryKey())
          .addColumn('text', 'text', (c) => c.notNull())
          .execute()
      },
    },
  },
  register(ctx) {
    ctx.route(
      defineRoute({
        method: 'post',
        path: '/notes',
        status: 201,
        body: z.object({ id: z.number().int(), text: z.string().min(1) }),
        handler: async ({ body, ctx }) => {
          await ctx.use(Database).db.insertInto('test_notes').values(body).execute()
          return body
        },
      }),
    )
    ctx.route(
      defineRoute({
        method: 'get',
        path: '/notes',
        handler: async ({ ctx }) => {
          const database = ctx.use(Database)
          const rows = await database.db
            .selectFrom('test_notes')
            .selectAll()
            .orderBy('id')
            .execute()
          return { dialect: database.dialect, notes: rows }
        },
      }),
    )
  },
})

/** Needs a service nobody provides: boot fails with MISSING_PROVIDER. */
export const needsMailer = definePlugin({
  name: '@test/needs-mailer',
  version: '1.0.0',
  requires: [defineService<{ send(to: string): void }>('test.mailer')],
})
