// The server side of the fan-out bench, run as its own process: `node --expose-gc server.ts
// backlex|baseline`. Prints `{"url": ...}` once listening. POST /bench/write makes one write;
// GET /bench/stats answers the process's memory after a full GC.
//   backlex:  serve() with SQLite, permissions, collections (the `articles` collection, and the
//             query language subscriptions are read with) and realtime; a write is what
//             collections does: an `items.committing` hook in a transaction (logged), then
//             `items.created` after commit (sent through PubSub, matched per subscriber in
//             process), without the row insert itself.
//   baseline: a bare node:http SSE server: hand-written predicates, one frame per match.
import { mkdtempSync } from 'node:fs'
import { createServer, type ServerResponse } from 'node:http'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { collections } from '@backlex/collections'
import { Collections, ItemsCommitting, ItemsCreated } from '@backlex/collections/contract'
import { Database, defineConfig, definePlugin, defineRoute, systemPrincipal } from '@backlex/kernel'
import { serve } from '@backlex/node'
import { Permissions, permissions } from '@backlex/permissions'
import { realtime } from '@backlex/realtime'
import { sqlite } from '@backlex/sqlite'

const gc = (globalThis as { gc?: () => void }).gc
const memory = () => {
  gc?.()
  gc?.()
  const { rss, heapUsed } = process.memoryUsage()
  return { rss, heapUsed }
}

// A type, not an interface: rows are collections' items (string-keyed records).
type Row = {
  id: number
  title: string
  owner: string
  views: number
}

const bench = definePlugin({
  name: '@backlex/bench-realtime',
  version: '0.0.0',
  requires: [Permissions, Database, Collections],
  register(ctx) {
    ctx.route(
      defineRoute({
        method: 'post',
        path: '/bench/write',
        root: true,
        handler: async ({ c, ctx: request }) => {
          const row = (await c.req.json()) as Row
          const meta = { workspace: 'main', principal: systemPrincipal }
          const event = { workspace: 'main', collection: 'articles', keys: [row.id], after: [row] }
          // As @backlex/collections does: the event is logged in the write's transaction, then
          // sent after commit.
          await request
            .use(Database)
            .db.transaction()
            .execute((db) =>
              request.kernel.events.filter(
                ItemsCommitting,
                { action: 'create', event, db, transaction: true },
                meta,
              ),
            )
          request.kernel.events.emit(ItemsCreated, event, meta)
          return { ok: true }
        },
      }),
    )
    ctx.route(
      defineRoute({ method: 'get', path: '/bench/stats', root: true, handler: () => memory() }),
    )
  },
  async boot(ctx) {
    await ctx.use(Collections).create('main', {
      slug: 'articles',
      fields: [
        { name: 'title', type: 'string' },
        { name: 'owner', type: 'string' },
        { name: 'views', type: 'integer' },
      ],
    })
    await ctx.use(Permissions).create('main', {
      role: 'public',
      collection: 'articles',
      action: 'read',
      fields: ['id', 'title', 'owner', 'views'],
    })
  },
})

async function startBacklex(): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'backlex-bench-realtime-'))
  const server = await serve(
    defineConfig({
      plugins: [
        sqlite({ filename: join(dir, 'bench.sqlite') }),
        permissions(),
        collections(),
        realtime(),
        bench(),
      ],
      dev: true,
      logLevel: 'warn',
    }),
    { port: 0, hostname: '127.0.0.1' },
  )
  return server.url
}

/** The same subscriptions by hand: `?owner=u1&min=5` means owner = u1 or views >= 5. */
async function startBaseline(): Promise<string> {
  const subscribers = new Set<{ res: ServerResponse; owner: string; min: number }>()
  const server = createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://x')
    if (url.pathname === '/bench/stats') {
      res.setHeader('content-type', 'application/json')
      return res.end(JSON.stringify(memory()))
    }
    if (url.pathname === '/bench/write') {
      let body = ''
      for await (const chunk of req) body += chunk
      const row = JSON.parse(body) as Row
      const frame = `id: ${row.id}\nevent: create\ndata: ${JSON.stringify({ collection: 'articles', key: row.id, data: row })}\n\n`
      for (const s of subscribers)
        if (row.owner === s.owner || row.views >= s.min) s.res.write(frame)
      return res.end('{"ok":true}')
    }
    const subscriber = {
      res,
      owner: url.searchParams.get('owner') ?? '',
      min: Number(url.searchParams.get('min')),
    }
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' })
    res.write('event: ready\ndata: {}\n\n')
    subscribers.add(subscriber)
    req.on('close', () => subscribers.delete(subscriber))
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const address = server.address()
  return `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`
}

const url = process.argv[2] === 'baseline' ? await startBaseline() : await startBacklex()
console.log(JSON.stringify({ url }))
