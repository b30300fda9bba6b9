// The basic example's config: no Database plugin, so the Node preset uses embedded SQLite at
// ./.data/backlex.sqlite (or PostgreSQL when DATABASE_URL is set), plus one small plugin.
import { Database, defineConfig, definePlugin, defineRoute } from '@backlex/kernel'
import { z } from 'zod'

const entry = z.object({
  name: z.string().trim().min(1).max(80),
  message: z.string().trim().min(1).max(500),
})

/** A guestbook: one table, created by a migration, and two routes under /api/guestbook. */
const guestbook = definePlugin({
  name: '@example/guestbook',
  version: '0.0.0',
  requires: [Database],
  migrations: {
    '0001_entries': {
      async up(db, dialect) {
        await db.schema
          .createTable('guestbook_entries')
          // An integer primary key numbers rows by itself on SQLite; PostgreSQL needs serial.
          .addColumn('id', dialect === 'postgres' ? 'serial' : 'integer', (c) => c.primaryKey())
          .addColumn('name', 'text', (c) => c.notNull())
          .addColumn('message', 'text', (c) => c.notNull())
          .addColumn('created_at', 'text', (c) => c.notNull())
          .execute()
      },
    },
  },
  register(ctx) {
    ctx.route(
      defineRoute({
        method: 'post',
        path: '/guestbook',
        summary: 'Sign the guestbook',
        status: 201,
        body: entry,
        handler: async ({ body, ctx }) => {
          const { db } = ctx.use(Database)
          return db
            .insertInto('guestbook_entries')
            .values({ ...body, created_at: new Date().toISOString() })
            .returning(['id', 'name', 'message', 'created_at as createdAt'])
            .executeTakeFirstOrThrow()
        },
      }),
    )
    ctx.route(
      defineRoute({
        method: 'get',
        path: '/guestbook',
        summary: 'The 50 newest entries',
        handler: async ({ ctx }) => {
          const { db } = ctx.use(Database)
          const data = await db
            .selectFrom('guestbook_entries')
            .select(['id', 'name', 'message', 'created_at as createdAt'])
            .orderBy('id', 'desc')
            .limit(50)
            .execute()
          return { data }
        },
      }),
    )
  },
})

export default defineConfig({ name: 'backlex basic example', plugins: [guestbook()] })
