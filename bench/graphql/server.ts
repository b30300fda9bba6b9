// One server of the GraphQL bench, from one build of backlex (a repository root: this tree, or a
// `git worktree` of an earlier commit), run as a child process: `node server.ts <root> <sqlite
// file> <port>`. Serves sqlite + permissions + collections + graphql with the GraphQL tests' blog
// schema, 1,000 articles, a `limited` role and a header naming the caller's role; answers
// `{ build: role, count }` messages with the time of each of `count` schema builds for that role.
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'

type Kernel = typeof import('@backlex/kernel')
type Graphql = typeof import('@backlex/graphql')
type Collections = typeof import('@backlex/collections')
type Permissions = typeof import('@backlex/permissions')
type Node = typeof import('@backlex/node')
type Sqlite = typeof import('@backlex/sqlite')
type Blog = typeof import('../../plugins/collections/test/items-helpers/blog.ts')

const [root = '', filename = '', portText = '0'] = process.argv.slice(2)
const port = Number(portText)
const load = <T>(path: string) => import(pathToFileURL(join(root, path)).href) as Promise<T>

const [kernel, graphqlPkg, collectionsPkg, permissionsPkg, nodePkg, sqlitePkg, blog] =
  await Promise.all([
    load<Kernel>('kernel/dist/index.js'),
    load<Graphql>('plugins/graphql/dist/index.js'),
    load<Collections>('plugins/collections/dist/index.js'),
    load<Permissions>('plugins/permissions/dist/index.js'),
    load<Node>('runtimes/node/dist/index.js'),
    load<Sqlite>('plugins/sqlite/dist/index.js'),
    load<Blog>('plugins/collections/test/items-helpers/blog.ts'),
  ])

/** The two callers of the bench: an admin, and a role reading part of two collections. */
const PRINCIPALS = {
  admin: { type: 'user', id: 'admin-1', userId: 'admin-1', roles: ['admin'], admin: true },
  limited: { type: 'user', id: 'u-limited', userId: 'u-limited', roles: ['limited'], admin: false },
} as const
export type Role = keyof typeof PRINCIPALS

const principals = kernel.definePlugin({
  name: '@backlex/bench-principals',
  version: '0.0.0',
  register(ctx) {
    ctx.contribute(kernel.PrincipalResolvers, ({ request }) => {
      const role = request.headers.get('x-bench-role')
      return role === 'admin' || role === 'limited' ? { ...PRINCIPALS[role] } : null
    })
  },
})

const server = await nodePkg.serve(
  kernel.defineConfig({
    name: 'bench-graphql',
    migrateOnBoot: true,
    logLevel: 'warn',
    plugins: [
      sqlitePkg.sqlite({ filename }),
      principals(),
      permissionsPkg.permissions(),
      collectionsPkg.collections(),
      graphqlPkg.graphql(),
    ],
  }),
  { port, hostname: '127.0.0.1' },
)

const services = server.kernel
const collections = services.get(collectionsPkg.Collections)
const permissions = services.get(permissionsPkg.Permissions)
const { db } = services.get(kernel.Database)
const { sql } = await import('kysely')
await blog.createBlog({
  dialect: 'sqlite',
  collection: async (input) => {
    await collections.create('main', input)
  },
  sql: (text) => sql.raw(text).execute(db),
  collections: () => collections,
})
const authors = Array.from({ length: 20 }, (_, i) => `('Author ${i}', 'a${i}@example.com', 'UK')`)
await sql
  .raw(`insert into c_main_authors (name, email, country) values ${authors.join(', ')}`)
  .execute(db)
for (let start = 0; start < 1000; start += 100) {
  const rows = Array.from({ length: 100 }, (_, k) => {
    const i = start + k
    return `('Article ${i}', 'Body ${i}', '${i % 3 === 0 ? 'draft' : 'published'}', ${i % 97}, ${(i % 20) + 1})`
  })
  await sql
    .raw(
      `insert into c_main_articles (title, body, status, views, author) values ${rows.join(', ')}`,
    )
    .execute(db)
}
await permissions.create('main', {
  role: 'limited',
  collection: 'articles',
  action: 'read',
  fields: ['title', 'status', 'views', 'author'],
})
await permissions.create('main', {
  role: 'limited',
  collection: 'authors',
  action: 'read',
  fields: ['name'],
})

process.on('message', async (message: { build?: Role; count?: number }) => {
  if (!message.build) return
  const principal = { ...PRINCIPALS[message.build], roles: [...PRINCIPALS[message.build].roles] }
  const view = await graphqlPkg.schemaView(collections, permissions, principal, 'main')
  const times: number[] = []
  for (let i = 0; i < (message.count ?? 1); i++) {
    const started = performance.now()
    graphqlPkg.buildSchema(view, [], { subscriptions: true })
    times.push(performance.now() - started)
  }
  process.send?.({ times })
})
process.send?.({ ready: true })
