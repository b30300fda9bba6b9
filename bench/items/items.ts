// The items API under load. One SQLite file with 1,000 `articles`; a role `reader` whose read
// permission has a filter (status = published); an API key with that role. Two routes under
// autocannon (20 connections): a backlex server (@backlex/node serve) and bare node:http +
// node:sqlite servers running the same queries, all running at once and measured in
// interleaved rounds (A B C, then C B A, ...), so that a change in the machine's load falls on
// all of them alike; ratios are taken per round, then their median.
// Usage: node items.ts [--rounds 3] [--duration 5] [--connections 20] [--warmup 3]
// [--api-key-cache <seconds>] [--route list|one] [--profile <dir>].
// Run `pnpm build` first.
import { type ChildProcess, fork } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { createServer } from 'node:net'
import { cpus, loadavg, platform, tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import autocannon from 'autocannon'

const { values } = parseArgs({
  options: {
    /** Seconds of load per server, route and round. */
    duration: { type: 'string', default: '5' },
    /** Rounds; each measures every server once per route, in alternating order. */
    rounds: { type: 'string', default: '3' },
    connections: { type: 'string', default: '20' },
    warmup: { type: 'string', default: '3' },
    /** Writes a CPU profile of the backlex server into this directory. */
    profile: { type: 'string' },
    /** auth's `apiKeyCache.ttlSeconds` (0: resolve the key on every request); its default if absent. */
    'api-key-cache': { type: 'string' },
    /** Only this route: `list` or `one` (both if absent). */
    route: { type: 'string' },
  },
})
if (values.route !== undefined && !['list', 'one'].includes(values.route))
  throw new Error('--route is list or one')
const duration = Number(values.duration)
const rounds = Number(values.rounds)
if (!Number.isInteger(rounds) || rounds < 1) throw new Error('--rounds is a positive integer')
const connections = Number(values.connections)
const warmup = Number(values.warmup)
const serverScript = fileURLToPath(new URL('./server.ts', import.meta.url))
const ROWS = 1000

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const address = server.address()
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0))
    })
  })
}

async function start(args: string[], execArgv: string[] = []): Promise<ChildProcess> {
  const child = fork(serverScript, args, {
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    execArgv,
  })
  await new Promise<void>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`server exited with ${code}`)))
    child.on('message', (m) => (m as { ready?: boolean }).ready && resolve())
  })
  return child
}

function rssOf(child: ChildProcess): Promise<number> {
  return new Promise((resolve) => {
    const onMessage = (m: unknown) => {
      const rss = (m as { rss?: number }).rss
      if (rss !== undefined) {
        child.off('message', onMessage)
        resolve(rss)
      }
    }
    child.on('message', onMessage)
    child.send('rss')
  })
}

async function stop(child: ChildProcess): Promise<void> {
  const exited = new Promise((resolve) => child.once('exit', resolve))
  child.kill('SIGTERM')
  await exited
}

async function call(
  base: string,
  method: string,
  path: string,
  token: string | null,
  body?: unknown,
) {
  const res = await fetch(`${base}${path}`, {
    method,
    headers: {
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...(body === undefined ? {} : { 'content-type': 'application/json', origin: base }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  })
  const text = await res.text()
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${text}`)
  return {
    headers: res.headers,
    body: text === '' ? null : (JSON.parse(text) as unknown),
  }
}

/** Admin sign-up, role, permission with a filter, 1,000 rows, and an API key with the role. */
async function setUp(base: string): Promise<{ key: string; id: number }> {
  const signUp = await call(base, 'POST', '/api/auth/sign-up/email', null, {
    email: 'admin@example.com',
    password: 'correct horse battery staple',
    name: 'Admin',
  })
  const session = signUp.headers.get('set-auth-token') ?? ''
  const userId = (signUp.body as { user?: { id?: string } } | null)?.user?.id ?? ''
  await call(base, 'POST', '/api/roles', session, { name: 'reader' })
  await call(base, 'POST', `/api/users/${userId}/roles`, session, { roles: ['admin', 'reader'] })
  await call(base, 'POST', '/api/collections', session, {
    slug: 'articles',
    fields: [
      { name: 'title', type: 'string', required: true },
      { name: 'body', type: 'text' },
      { name: 'status', type: 'enum', choices: ['draft', 'published'], default: 'draft' },
      { name: 'views', type: 'integer', default: 0, indexed: true },
      { name: 'featured', type: 'boolean', default: false },
      { name: 'published_at', type: 'datetime' },
    ],
  })
  for (const role of ['reader', 'public']) {
    // `public` (anonymous callers) gets the same rule: a diagnostic run without the API key.
    await call(base, 'POST', '/api/permissions', session, {
      role,
      collection: 'articles',
      action: 'read',
      filter: { status: { _eq: 'published' } },
    })
  }
  let seed = 42
  const random = () => {
    seed = (seed * 1103515245 + 12345) % 2147483648
    return seed / 2147483648
  }
  for (let batch = 0; batch < ROWS / 250; batch++) {
    const items = Array.from({ length: 250 }, (_, i) => ({
      title: `Article ${batch * 250 + i}`,
      body: 'Lorem ipsum dolor sit amet, consectetur adipiscing elit. '.repeat(4),
      status: random() < 0.8 ? 'published' : 'draft',
      views: Math.floor(random() * 100_000),
      featured: random() < 0.1,
      published_at: new Date(Date.UTC(2024, 0, 1) + Math.floor(random() * 3e10)).toISOString(),
    }))
    await call(base, 'POST', '/api/items/articles?fields=id', session, items)
  }
  const key = await call(base, 'POST', '/api/api-keys', session, {
    name: 'bench',
    roles: ['reader'],
  })
  const secret = (key.body as { data?: { secret?: string } } | null)?.data?.secret ?? ''
  const first = await call(base, 'GET', '/api/items/articles?limit=1&sort=id&fields=id', secret)
  const id = (first.body as { data: { id: number }[] }).data[0]?.id ?? 1
  return { key: secret, id }
}

interface Measured {
  rps: number
  p50: number
  p99: number
  errors: number
}

async function load(url: string, key: string | null, seconds: number): Promise<Measured> {
  const result = await autocannon({
    url,
    connections,
    duration: seconds,
    headers: key === null ? {} : { authorization: `Bearer ${key}` },
  })
  return {
    rps: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    errors: result.errors + result.non2xx,
  }
}

/** One server under test: how to reach it and whether its requests carry the API key. */
interface Subject {
  name: string
  base: string
  key: string | null
  child: ChildProcess
}

type Run = Measured & { rss: number; load: number }

/**
 * Warms every route of every subject, then measures them in `rounds` rounds, each subject once
 * per route and round, in alternating order (forwards, then backwards), so that drift in the
 * machine's load falls on all alike. Returns runs[subject][route][round].
 */
async function interleaved(subjects: Subject[], paths: string[]): Promise<Run[][][]> {
  const runs: Run[][][] = subjects.map(() => paths.map(() => []))
  // Warm every route first: the JIT and the caches then serve the measured runs alike.
  for (const s of subjects) for (const path of paths) await load(`${s.base}${path}`, s.key, warmup)
  for (let round = 0; round < rounds; round++) {
    const order = subjects.map((_, i) => i)
    if (round % 2 === 1) order.reverse()
    for (const [p, path] of paths.entries()) {
      for (const i of order) {
        const s = subjects[i] as Subject
        const load1 = loadavg()[0] ?? 0
        const measured = await load(`${s.base}${path}`, s.key, duration)
        runs[i]?.[p]?.push({ ...measured, rss: await rssOf(s.child), load: load1 })
      }
    }
  }
  return runs
}

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b)
  const mid = Math.floor(sorted.length / 2)
  return sorted.length % 2 ? (sorted[mid] ?? 0) : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2
}

const loadBefore = loadavg()[0] ?? 0
const dir = mkdtempSync(join(tmpdir(), 'backlex-bench-items-'))
const filename = join(dir, 'bench.sqlite')
try {
  const port = await freePort()
  const base = `http://127.0.0.1:${port}`
  const profile = values.profile ? ['--cpu-prof', '--cpu-prof-dir', values.profile] : []
  const cacheTtl = values['api-key-cache']
  const backlex = await start(
    ['backlex', filename, String(port), ...(cacheTtl === undefined ? [] : [cacheTtl])],
    profile,
  )
  const { key, id } = await setUp(base)
  const routes = ['/api/items/articles?limit=10&sort=-views', `/api/items/articles/${id}`]
  const paths =
    values.route === 'list'
      ? [routes[0] as string]
      : values.route === 'one'
        ? [routes[1] as string]
        : routes
  const check = await call(base, 'GET', routes[0] ?? '', key)
  const listed = (check.body as { data: { status: string }[] }).data
  if (listed.length !== 10 || listed.some((a) => a.status !== 'published'))
    throw new Error('unexpected list')
  const subjects: Subject[] = [
    { name: 'backlex', base, key, child: backlex },
    { name: 'backlex, anonymous (no API key)', base, key: null, child: backlex },
  ]
  const bare: Record<string, string> = {
    bare: 'bare, item query + key lookup',
    'bare-items': 'bare, item query',
  }
  for (const [mode, name] of Object.entries(bare)) {
    const barePort = await freePort()
    const child = await start([mode, filename, String(barePort), key])
    subjects.push({ name, base: `http://127.0.0.1:${barePort}`, key, child })
  }
  const runs = await interleaved(subjects, paths)
  const loadAfter = loadavg()[0] ?? 0
  for (const s of new Set(subjects.map((x) => x.child))) await stop(s)

  const mb = (bytes: number) => `${Math.round(bytes / 1024 / 1024)} MB`
  const loads = runs.flat(2).map((r) => r.load)
  console.log(
    `Node ${process.version}, ${platform()} ${cpus().length} cores (${cpus()[0]?.model.trim()}); load (1 min) ${loadBefore.toFixed(1)} before, ${Math.min(...loads).toFixed(1)}-${Math.max(...loads).toFixed(1)} during, ${loadAfter.toFixed(1)} after; ${connections} connections, ${rounds} interleaved rounds of ${duration} s per server and route after ${warmup} s warm-up; API key cache ${cacheTtl === undefined ? 'default' : `${cacheTtl} s`}`,
  )
  console.log(
    '| route | server | req/s, median (rounds) | p50 | p99 | RSS | errors | backlex / this, median of rounds (rounds) |',
  )
  console.log('|---|---|---|---|---|---|---|---|')
  paths.forEach((path, p) => {
    const route = path === routes[1] ? '/api/items/articles/:id' : path
    const ours = runs[0]?.[p] ?? []
    subjects.forEach((s, i) => {
      const mine = runs[i]?.[p] ?? []
      const rps = mine.map((r) => r.rps)
      const ratios = mine.map((r, round) => ((ours[round]?.rps ?? 0) / r.rps) * 100)
      const ratio =
        i < 2
          ? ''
          : `${median(ratios).toFixed(0)}% (${ratios.map((x) => x.toFixed(0)).join(', ')}%)`
      console.log(
        `| \`${route}\` | ${s.name} | ${Math.round(median(rps))} (${rps.map(Math.round).join(', ')}) | ${median(mine.map((r) => r.p50))} ms | ${median(mine.map((r) => r.p99))} ms | ${mb(Math.max(...mine.map((r) => r.rss)))} | ${mine.reduce((n, r) => n + r.errors, 0)} | ${ratio} |`,
      )
    })
  })
} finally {
  rmSync(dir, { recursive: true, force: true })
}
