// The server side of the write-load bench, run as its own process: `node write-server.ts
// [realtime|plain|drop]` on the PostgreSQL of BENCH_DATABASE_URL, in the schema BENCH_SCHEMA
// (created here; `drop` drops it and exits). Collections, permissions and (unless `plain`)
// realtime; a `burst` collection; `Authorization: Bearer admin` is an admin. Prints
// `{"url": ...}` once listening.
import { activity } from '@backlex/activity'
import { Collections, collections } from '@backlex/collections'
import {
  createBacklex,
  Database,
  defineConfig,
  definePlugin,
  type Plugin,
  PrincipalResolvers,
} from '@backlex/kernel'
import { serve } from '@backlex/node'
import { permissions } from '@backlex/permissions'
import { postgres } from '@backlex/postgres'
import { realtime } from '@backlex/realtime'

const connectionString = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test'
const schema = process.env.BENCH_SCHEMA ?? 'bench_realtime'
const mode = process.argv[2] ?? 'realtime'

// The schema is made (or dropped) through a kernel on the default search path.
const setup = createBacklex(
  defineConfig({ plugins: [postgres({ connectionString })], logLevel: 'warn' }),
)
await setup.boot()
const { db } = setup.get(Database)
if (mode === 'drop') await db.schema.dropSchema(schema).ifExists().cascade().execute()
else await db.schema.createSchema(schema).ifNotExists().execute()
await setup.shutdown()
if (mode === 'drop') process.exit(0)

const burst = definePlugin({
  name: '@backlex/bench-burst',
  version: '0.0.0',
  requires: [Collections],
  register(ctx) {
    ctx.contribute(PrincipalResolvers, ({ request }) =>
      request.headers.get('authorization') === 'Bearer admin'
        ? { type: 'user', id: 'admin', userId: 'admin', roles: ['admin'], admin: true }
        : null,
    )
  },
  async boot(ctx) {
    const service = ctx.use(Collections)
    if (!(await service.get('main', 'burst'))) {
      await service.create('main', {
        slug: 'burst',
        fields: [{ name: 'title', type: 'string' }],
      })
    }
  },
})

const plugins: Plugin[] = [
  postgres({ connectionString, searchPath: schema, max: 20 }),
  permissions(),
  activity(),
  collections(),
  ...(mode === 'plain' ? [] : [realtime()]),
  burst(),
]
const server = await serve(defineConfig({ plugins, dev: true, logLevel: 'warn' }), {
  port: 0,
  hostname: '127.0.0.1',
})
console.log(JSON.stringify({ url: server.url }))
