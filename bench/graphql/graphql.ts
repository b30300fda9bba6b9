// GraphQL before and after a change, in one run. Two servers (server.ts), each loading its own
// build of backlex: A = `--before <root>` (e.g. `git worktree add /tmp/gql-before <commit>`, then
// `pnpm install && pnpm build` there), B = `--after <root>` (default: this repository). Both hold
// the GraphQL tests' blog schema with 1,000 articles on their own SQLite file. Measured in
// interleaved rounds (A B, then B A, ...), with the load average (os.loadavg) before each round:
// - schema build: `buildSchema` of the admin's and of a limited role's view (the pinned SDLs'
//   callers), `--builds` times per round, median per build;
// - query throughput: a list of 20 articles with their author's name, over HTTP on loopback
//   (autocannon, `--connections`, `--duration` s), as each role.
// Usage: node graphql.ts --before <root> [--after <root>] [--rounds 4] [--builds 200]
// [--duration 5] [--connections 10] [--warmup 2]. Run `pnpm build` in both roots first.
// 2026-12-04 (Node 24.22, 2 shared cores, load 2-10), graphql-js constructors -> Pothos: schema
// build admin 0.24-0.26 -> 1.57-2.14 ms, limited 0.08-0.09 -> 0.50-0.54 ms (6-8x); list query
// unchanged within noise (after / before 0.83-1.17). Details: bench/README.md, section "graphql".
import { type ChildProcess, fork } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { createServer } from 'node:net'
import { cpus, loadavg, platform, tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import autocannon from 'autocannon'
import type { Role } from './server.ts'

const { values } = parseArgs({
  options: {
    before: { type: 'string' },
    after: { type: 'string', default: resolve(import.meta.dirname, '../..') },
    rounds: { type: 'string', default: '4' },
    builds: { type: 'string', default: '200' },
    duration: { type: 'string', default: '5' },
    connections: { type: 'string', default: '10' },
    warmup: { type: 'string', default: '2' },
  },
})
if (!values.before) throw new Error('--before <root of the build to compare with> is required')
const rounds = Number(values.rounds)
const builds = Number(values.builds)
const duration = Number(values.duration)
const connections = Number(values.connections)
const warmup = Number(values.warmup)
const serverScript = fileURLToPath(new URL('./server.ts', import.meta.url))
const ROLES: readonly Role[] = ['admin', 'limited']
const QUERY = '{ articles(limit: 20, sort: ["-views"]) { id title status views author { name } } }'

function freePort(): Promise<number> {
  return new Promise((done, reject) => {
    const server = createServer()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const address = server.address()
      server.close(() => done(typeof address === 'object' && address ? address.port : 0))
    })
  })
}

interface Side {
  name: 'before' | 'after'
  child: ChildProcess
  url: string
  build: Record<Role, number[]>
  rps: Record<Role, number[]>
  p50: Record<Role, number[]>
}

async function start(name: Side['name'], root: string, dir: string): Promise<Side> {
  const port = await freePort()
  const child = fork(serverScript, [root, join(dir, `${name}.sqlite`), String(port)], {
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  })
  await new Promise<void>((done, reject) => {
    child.once('exit', (code) => reject(new Error(`${name} server exited with ${code}`)))
    child.on('message', (m) => (m as { ready?: boolean }).ready && done())
  })
  const empty = () => ({ admin: [], limited: [] })
  return {
    name,
    child,
    url: `http://127.0.0.1:${port}/api/graphql`,
    build: empty(),
    rps: empty(),
    p50: empty(),
  }
}

function buildTimes(side: Side, role: Role, count: number): Promise<number[]> {
  return new Promise((done) => {
    const onMessage = (m: unknown) => {
      const { times } = m as { times?: number[] }
      if (!times) return
      side.child.off('message', onMessage)
      done(times)
    }
    side.child.on('message', onMessage)
    side.child.send({ build: role, count })
  })
}

async function load(side: Side, role: Role, seconds: number) {
  const result = await autocannon({
    url: side.url,
    method: 'POST',
    connections,
    duration: seconds,
    headers: { 'content-type': 'application/json', 'x-bench-role': role },
    body: JSON.stringify({ query: QUERY }),
  })
  if (result.non2xx > 0 || result.errors > 0)
    throw new Error(`${side.name} as ${role}: ${result.non2xx} non-2xx, ${result.errors} errors`)
  return result
}

const median = (xs: readonly number[]) => {
  const s = [...xs].sort((a, b) => a - b)
  const m = s.length >> 1
  return s.length % 2 ? (s[m] ?? 0) : ((s[m - 1] ?? 0) + (s[m] ?? 0)) / 2
}

const dir = mkdtempSync(join(tmpdir(), 'bench-graphql-'))
const sides: Side[] = []
try {
  // Check that both answer the query alike before measuring.
  sides.push(await start('before', resolve(values.before), dir))
  sides.push(await start('after', resolve(values.after), dir))
  for (const role of ROLES) {
    const bodies = await Promise.all(
      sides.map(async (side) => {
        const res = await fetch(side.url, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'x-bench-role': role },
          body: JSON.stringify({ query: QUERY }),
        })
        return res.text()
      }),
    )
    if (bodies[0] !== bodies[1]) throw new Error(`before and after answer ${role} differently`)
  }
  for (const side of sides) {
    for (const role of ROLES) {
      await buildTimes(side, role, builds)
      await load(side, role, warmup)
    }
  }
  const loads: number[] = []
  for (let round = 0; round < rounds; round++) {
    loads.push(loadavg()[0] ?? 0)
    const order = round % 2 === 0 ? sides : [...sides].reverse()
    for (const role of ROLES) {
      for (const side of order) side.build[role].push(median(await buildTimes(side, role, builds)))
      for (const side of order) {
        const result = await load(side, role, duration)
        side.rps[role].push(result.requests.average)
        side.p50[role].push(result.latency.p50)
      }
    }
  }
  loads.push(loadavg()[0] ?? 0)

  const [before, after] = sides as [Side, Side]
  const cpu = cpus()[0]?.model ?? 'unknown'
  console.log(
    `\n${new Date().toISOString().slice(0, 10)}, Node ${process.version}, ${platform()} ${process.arch}, ` +
      `${cpus().length} cores (${cpu}); load (1 min) per round: ${loads.map((l) => l.toFixed(1)).join(', ')}`,
  )
  console.log(
    `${rounds} rounds; schema builds: median of ${builds} per round; queries: ${connections} connections, ${duration} s\n`,
  )
  console.log('| measure | role | before | after | after / before (median of rounds) |')
  console.log('|---|---|---|---|---|')
  for (const role of ROLES) {
    const ratio = (a: number[], b: number[]) => median(a.map((x, i) => x / (b[i] ?? x)))
    console.log(
      `| schema build | ${role} | ${median(before.build[role]).toFixed(2)} ms | ${median(after.build[role]).toFixed(2)} ms | ${ratio(after.build[role], before.build[role]).toFixed(2)} |`,
    )
    console.log(
      `| list query | ${role} | ${median(before.rps[role]).toFixed(0)} req/s (p50 ${median(before.p50[role])} ms) | ${median(after.rps[role]).toFixed(0)} req/s (p50 ${median(after.p50[role])} ms) | ${ratio(after.rps[role], before.rps[role]).toFixed(2)} |`,
    )
  }
} finally {
  for (const side of sides) side.child.kill()
  rmSync(dir, { recursive: true, force: true })
}
