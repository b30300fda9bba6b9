// Config files for the test projects: real TypeScript, loaded by the CLI as users' configs are.

/** A plugin with a migration, a route that reads its table, and a greeting from another file. */
export const notesConfig = `import { Database, defineConfig, definePlugin, defineRoute } from '@backlex/kernel'
import { z } from 'zod'
import { greeting } from './greeting.ts'

interface NoteRow { id: number; text: string }

const notes = definePlugin({
  name: '@test/notes',
  version: '1.2.3',
  requires: [Database],
  migrations: {
    '0001_notes': {
      async up(db) {
        await db.schema.createTable('test_notes')
          .addColumn('id', 'integer', (c) => c.primaryKey())
          .addColumn('text', 'text', (c) => c.notNull())
          .execute()
      },
    },
  },
  register(ctx) {
    ctx.route(defineRoute({
      method: 'get', path: '/greeting', summary: 'Says hello',
      handler: () => ({ greeting }),
    }))
    ctx.route(defineRoute({
      method: 'post', path: '/notes', status: 201,
      body: z.object({ id: z.number().int(), text: z.string().min(1) }),
      handler: async ({ body, ctx }) => {
        await ctx.use(Database).db.insertInto('test_notes').values(body).execute()
        return body
      },
    }))
    ctx.route(defineRoute({
      method: 'get', path: '/notes',
      handler: async ({ ctx }) => {
        const rows: NoteRow[] = await ctx.use(Database).db.selectFrom('test_notes').selectAll().execute()
        return { notes: rows }
      },
    }))
  },
})

export default defineConfig({ plugins: [notes()], MIGRATE_ON_BOOT })
`

/** The notes project; `migrateOnBoot` is written into the config when given. */
export function notesProject(options: { greeting?: string; migrateOnBoot?: boolean } = {}) {
  return {
    'backlex.config.ts': notesConfig.replace(
      ', MIGRATE_ON_BOOT',
      options.migrateOnBoot === undefined ? '' : `, migrateOnBoot: ${options.migrateOnBoot}`,
    ),
    'greeting.ts': greetingFile(options.greeting ?? 'hello'),
  }
}

export const greetingFile = (text: string) =>
  `export const greeting: string = ${JSON.stringify(text)}\n`

/** A plugin that requires a service no plugin provides. */
export const missingProviderConfig = `import { defineConfig, definePlugin, defineService } from '@backlex/kernel'
const mailer = defineService<{ send(to: string): Promise<void> }>('test.mailer')
const newsletter = definePlugin({ name: '@test/newsletter', version: '1.0.0', requires: [mailer] })
export default defineConfig({ plugins: [newsletter()] })
`
