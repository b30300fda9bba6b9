// The items API under load. One SQLite file with 1,000 `articles`; a role `reader` whose read
// permission has a filter (status = published); an API key with that role. Two routes under
// autocannon (20 connections): a minimal backlex server (@backlex/node serve with auth,
// permissions and collections), the full example app (examples/app's config: GraphQL, realtime
// and MCP besides, on its own SQLite file seeded the same way) and bare node:http + node:sqlite
// servers running the same queries, all running at once and measured in interleaved rounds
// (A B C, then C B A, ...), so that a change in the machine's load falls on all of them alike;
// ratios are taken per round, then their median.
// Usage: node items.ts [--rounds 3] [--duration 5] [--connections 20] [--warmup 3]
// [--api-key-cache <seconds>] [--route list|one] [--servers backlex,app,anonymous,bare,bare-items]
// [--node-args='<flags for the backlex servers>'] [--app-variant='<flags of a second full app>']
// [--checkout <dir of another built checkout>] [--profile <dir>]. Run `pnpm build` first.
// `--checkout` adds that checkout's minimal server (its own bench/items/server.ts and builds, its
// own SQLite file seeded the same way) as a baseline row: before/after a change, in one run.
import { type ChildProcess, fork } from 'node:child_process'
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs'
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
    /** Writes CPU profiles of the backlex servers into `<dir>/backlex` and `<dir>/app`. */
    profile: { type: 'string' },
    /** auth's `apiKeyCache.ttlSeconds` (0: resolve the key on every request); its default if absent. */
    'api-key-cache': { type: 'string' },
    /** Only this route: `list` or `one` (both if absent). */
    route: { type: 'string' },
    /** Node flags for the backlex servers (not the bare ones), space-separated, e.g. `--max-semi-space-size=16`. */
    'node-args': { type: 'string' },
    /** A second full app started with these Node flags (e.g. `--max-semi-space-size=8`), measured beside the first. */
    'app-variant': { type: 'string' },
    /** Only these servers, comma-separated (all if absent): backlex, app, anonymous, bare, bare-items. */
    servers: { type: 'string' },
    /** Another checkout (built), whose minimal server runs as a baseline beside this one's. */
    checkout: { type: 'string' },
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

async function start(
  args: string[],
  execArgv: string[] = [],
  env: NodeJS.ProcessEnv = process.env,
  script = serverScript,
): Promise<ChildProcess> {
  const child = fork(script, args, {
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    execArgv,
    env,
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
  /** A bare server: the others' ratios are taken against it. */
  baseline?: boolean
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

const SERVERS = ['backlex', 'app', 'anonymous', 'bare', 'bare-items']
const selected = values.servers?.split(',').map((x) => x.trim()) ?? SERVERS
for (const name of selected)
  if (!SERVERS.includes(name)) throw new Error(`--servers: unknown ${name} (${SERVERS.join(', ')})`)
const wanted = (name: string) => selected.includes(name)

const loadBefore = loadavg()[0] ?? 0
const dir = mkdtempSync(join(tmpdir(), 'backlex-bench-items-'))
const filename = join(dir, 'bench.sqlite')
try {
  const splitArgs = (flags: string) => flags.split(' ').filter((x) => x !== '')
  const nodeArgs = splitArgs(values['node-args'] ?? '')
  const profile = (name: string) => [
    ...nodeArgs,
    ...(values.profile ? ['--cpu-prof', '--cpu-prof-dir', join(values.profile, name)] : []),
  ]
  const cacheTtl = values['api-key-cache']
  const routesOf = (id: number) => [
    '/api/items/articles?limit=10&sort=-views',
    `/api/items/articles/${id}`,
  ]
  /** Seeds a backlex server and checks that the key lists published rows only. */
  const seeded = async (base: string) => {
    const { key, id } = await setUp(base)
    const check = await call(base, 'GET', routesOf(id)[0] ?? '', key)
    const listed = (check.body as { data: { status: string }[] }).data
    if (listed.length !== 10 || listed.some((a) => a.status !== 'published'))
      throw new Error('unexpected list')
    return { key, id }
  }
  // The minimal server always runs: the bare servers read its SQLite file.
  const port = await freePort()
  const base = `http://127.0.0.1:${port}`
  const backlex = await start(
    ['backlex', filename, String(port), ...(cacheTtl === undefined ? [] : [cacheTtl])],
    profile('backlex'),
  )
  const { key, id } = await seeded(base)
  const subjects: Subject[] = []
  if (wanted('backlex')) subjects.push({ name: 'backlex', base, key, child: backlex })
  // The full app; with --app-variant, a second one started with other Node flags (e.g. memory
  // settings), measured in the same rounds.
  const appRuns: { name: string; args: string[] }[] = wanted('app')
    ? [{ name: 'app', args: profile('app') }]
    : []
  if (values['app-variant'] !== undefined)
    appRuns.push({ name: 'app-variant', args: splitArgs(values['app-variant']) })
  for (const run of appRuns) {
    // The same seed gives the same rows, so the same id is the same article.
    const appDir = join(dir, run.name)
    mkdirSync(appDir)
    const appPort = await freePort()
    const appBase = `http://127.0.0.1:${appPort}`
    const { PORT: _p, HOST: _h, DATABASE_URL: _d, ...env } = process.env
    const app = await start(['app', appDir, String(appPort)], run.args, {
      ...env,
      NODE_ENV: 'production',
      AUTH_SECRET: 'bench-items-app-secret-0123456789abcdefghijkl',
    })
    const seededApp = await seeded(appBase)
    if (seededApp.id !== id) throw new Error(`the app's rows differ (first id ${seededApp.id})`)
    subjects.push({
      name:
        run.name === 'app' ? 'full app (examples/app)' : `full app, \`${values['app-variant']}\``,
      base: appBase,
      key: seededApp.key,
      child: app,
    })
  }
  if (values.checkout !== undefined) {
    // Before/after: the same minimal server from another checkout, on its own file.
    const otherDir = join(dir, 'checkout')
    mkdirSync(otherDir)
    const otherPort = await freePort()
    const otherBase = `http://127.0.0.1:${otherPort}`
    const other = await start(
      ['backlex', join(otherDir, 'bench.sqlite'), String(otherPort)],
      profile('checkout'),
      process.env,
      join(values.checkout, 'bench/items/server.ts'),
    )
    const seededOther = await seeded(otherBase)
    if (seededOther.id !== id)
      throw new Error(`the checkout's rows differ (first id ${seededOther.id})`)
    subjects.push({
      name: `minimal, checkout ${values.checkout}`,
      base: otherBase,
      key: seededOther.key,
      child: other,
      baseline: true,
    })
  }
  if (wanted('anonymous'))
    subjects.push({ name: 'backlex, anonymous (no API key)', base, key: null, child: backlex })
  const bare: Record<string, string> = {
    bare: 'bare, item query + key lookup',
    'bare-items': 'bare, item query',
  }
  for (const [mode, name] of Object.entries(bare)) {
    if (!wanted(mode)) continue
    const barePort = await freePort()
    const child = await start([mode, filename, String(barePort), key])
    subjects.push({ name, base: `http://127.0.0.1:${barePort}`, key, child, baseline: true })
  }
  const routes = routesOf(id)
  const paths =
    values.route === 'list'
      ? [routes[0] as string]
      : values.route === 'one'
        ? [routes[1] as string]
        : routes
  const runs = await interleaved(subjects, paths)
  const loadAfter = loadavg()[0] ?? 0
  for (const s of new Set([backlex, ...subjects.map((x) => x.child)])) await stop(s)

  const mb = (bytes: number) => `${Math.round(bytes / 1024 / 1024)} MB`
  const loads = runs.flat(2).map((r) => r.load)
  console.log(
    `Node ${process.version}, ${platform()} ${cpus().length} cores (${cpus()[0]?.model.trim()}); load (1 min) ${loadBefore.toFixed(1)} before, ${Math.min(...loads).toFixed(1)}-${Math.max(...loads).toFixed(1)} during, ${loadAfter.toFixed(1)} after; ${connections} connections, ${rounds} interleaved rounds of ${duration} s per server and route after ${warmup} s warm-up; API key cache ${cacheTtl === undefined ? 'default' : `${cacheTtl} s`}`,
  )
  // Each baseline row gives the ratio of every measured backlex server to it.
  const measured = subjects.flatMap((s, i) => (s.baseline || s.key === null ? [] : [i]))
  console.log(
    `| route | server | req/s, median (rounds) | p50 | p99 | RSS | errors | ${measured.map((i) => `${subjects[i]?.name} / this, median of rounds (rounds)`).join(' | ')} |`,
  )
  console.log(`|---|---|---|---|---|---|---|${measured.map(() => '---|').join('')}`)
  paths.forEach((path, p) => {
    const route = path === routes[1] ? '/api/items/articles/:id' : path
    subjects.forEach((s, i) => {
      const mine = runs[i]?.[p] ?? []
      const rps = mine.map((r) => r.rps)
      const ratios = measured.map((m) => {
        if (!s.baseline) return ''
        const ours = runs[m]?.[p] ?? []
        const each = mine.map((r, round) => ((ours[round]?.rps ?? 0) / r.rps) * 100)
        return `${median(each).toFixed(0)}% (${each.map((x) => x.toFixed(0)).join(', ')}%)`
      })
      console.log(
        `| \`${route}\` | ${s.name} | ${Math.round(median(rps))} (${rps.map(Math.round).join(', ')}) | ${median(mine.map((r) => r.p50))} ms | ${median(mine.map((r) => r.p99))} ms | ${mb(Math.max(...mine.map((r) => r.rss)))} | ${mine.reduce((n, r) => n + r.errors, 0)} | ${ratios.join(' | ')} |`,
      )
    })
  })
} finally {
  rmSync(dir, { recursive: true, force: true })
}
