// One server of the items bench, run as a child process so the load generator does not share its
// event loop: `node server.ts backlex <sqlite file> <port> [api key cache seconds]` (@backlex/node's
// serve with auth, permissions and collections), `app <directory> <port>` (the config of
// examples/app, every plugin, served by @backlex/node's serve with its default SQLite file under
// the directory, as `backlex start` does), or `bare` / `bare-items` <sqlite file> <port> <api key>
// (node:http and node:sqlite running the same queries). Answers `rss` messages with its RSS.
import { createHash } from 'node:crypto'
import { createServer, type ServerResponse } from 'node:http'
import { DatabaseSync } from 'node:sqlite'

const [mode, filename = '', portText = '0', apiKey = ''] = process.argv.slice(2)
// For `backlex`, the fourth argument is auth's apiKeyCache.ttlSeconds instead of a key.
const cacheTtl = mode === 'backlex' && apiKey !== '' ? Number(apiKey) : undefined
const port = Number(portText)

process.on('message', (message) => {
  if (message === 'rss') process.send?.({ rss: process.memoryUsage().rss })
})

if (mode === 'backlex') {
  // Loaded only here, so the bare server's RSS is that of node:http and node:sqlite alone.
  const [
    { activity },
    { auth },
    { collections },
    { defineConfig },
    { serve },
    { permissions },
    { sqlite },
  ] = await Promise.all([
    import('@backlex/activity'),
    import('@backlex/auth'),
    import('@backlex/collections'),
    import('@backlex/kernel'),
    import('@backlex/node'),
    import('@backlex/permissions'),
    import('@backlex/sqlite'),
  ])
  await serve(
    defineConfig({
      name: 'bench-items',
      migrateOnBoot: true,
      logLevel: 'warn',
      plugins: [
        sqlite({ filename }),
        auth({
          secret: 'bench-items-secret-0123456789abcdefghijkl',
          baseURL: `http://127.0.0.1:${port}`,
          ...(cacheTtl === undefined ? {} : { apiKeyCache: { ttlSeconds: cacheTtl } }),
        }),
        permissions(),
        // Item writes log their activity entries, as they did when the log was collections'.
        activity(),
        collections(),
      ],
    }),
    { port, hostname: '127.0.0.1' },
  )
} else if (mode === 'app') {
  // examples/app's own backlex.config.ts (its imports resolve from examples/app/node_modules),
  // unchanged but for migrating at boot, as `backlex migrate` before `backlex start` would.
  const [{ serve }, { default: config }] = await Promise.all([
    import('@backlex/node'),
    import('../../examples/app/backlex.config.ts'),
  ])
  await serve(
    { ...config, migrateOnBoot: true },
    { port, hostname: '127.0.0.1', cwd: filename, env: process.env },
  )
} else {
  // The baseline: the same rows, the same permission filter and the same JSON. `bare` also
  // runs the queries backlex makes to authenticate the API key (the key by its SHA-256, then
  // its owner's roles); `bare-items` runs the item query alone.
  const db = new DatabaseSync(filename)
  db.exec('PRAGMA journal_mode = WAL')
  const withAuth = mode === 'bare'
  const keyByHash = db.prepare(
    'select id, workspace, user_id, roles, revoked_at, expires_at from backlex_auth_api_keys where hash = ?',
  )
  const rolesOf = db.prepare(
    'select role from backlex_auth_user_roles where workspace = ? and user_id = ? order by role',
  )
  const columns = 'id, title, body, status, views, featured, published_at'
  const list = db.prepare(
    `select ${columns} from c_main_articles where status = ? order by views desc nulls first, id desc limit ? offset ?`,
  )
  const one = db.prepare(`select ${columns} from c_main_articles where id = ? and status = ?`)
  const item = (row: Record<string, unknown>) => ({ ...row, featured: row.featured === 1 })
  const json = (res: ServerResponse, status: number, body: unknown) => {
    res.writeHead(status, { 'content-type': 'application/json' })
    res.end(JSON.stringify(body))
  }
  const authorized = (header: string | undefined): boolean => {
    const secret = /^bearer\s+(blx_\S*)\s*$/i.exec(header ?? '')?.[1]
    if (!secret) return false
    if (!withAuth) return secret === apiKey
    const key = keyByHash.get(createHash('sha256').update(secret).digest('hex'))
    if (key?.workspace !== 'main' || key.revoked_at !== null) return false
    if (key.expires_at !== null && Date.parse(String(key.expires_at)) <= Date.now()) return false
    const held = new Set(rolesOf.all('main', String(key.user_id)).map((r) => r.role))
    return (JSON.parse(String(key.roles)) as string[]).some((r) => held.has(r) && r === 'reader')
  }
  createServer((req, res) => {
    if (!authorized(req.headers.authorization)) return json(res, 401, { errors: [] })
    const url = new URL(req.url ?? '/', 'http://localhost')
    const match = /^\/api\/items\/articles(?:\/(\d+))?$/.exec(url.pathname)
    if (!match) return json(res, 404, { errors: [] })
    if (match[1] !== undefined) {
      const row = one.get(Number(match[1]), 'published')
      return row ? json(res, 200, { data: item(row) }) : json(res, 404, { errors: [] })
    }
    const limit = Number(url.searchParams.get('limit') ?? 100)
    const rows = list.all('published', limit, 0)
    return json(res, 200, { data: rows.map(item) })
  }).listen(port, '127.0.0.1', () => process.send?.({ ready: true }))
}
if (mode === 'backlex' || mode === 'app') process.send?.({ ready: true })
