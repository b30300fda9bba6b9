// Realtime fan-out: N open SSE subscriptions on one server process, each with its own filter
// (`owner = u<i>` or `views >= i % 1000`); one write at a time; the time from sending the
// write to the moment the last matching subscriber has its event (p50 and p99 over repeated
// writes), and the server's RSS per connection. Against a bare node:http SSE server doing the
// same matching by hand. Usage: `pnpm bench` (raises the fd limit), or
// `node fanout.ts [--sizes 1000,10000] [--writes 50]`.
import { type ChildProcess, spawn } from 'node:child_process'
import { request } from 'node:http'
import { connect, type Socket } from 'node:net'
import { cpus, loadavg } from 'node:os'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'

const { values } = parseArgs({
  options: {
    sizes: { type: 'string', default: '1000,10000' },
    writes: { type: 'string', default: '50' },
    warmup: { type: 'string', default: '5' },
  },
})
const sizes = (values.sizes ?? '').split(',').map(Number)
const writes = Number(values.writes)
const warmup = Number(values.warmup)
const OPEN_CONCURRENCY = 100

interface Subscriber {
  index: number
  owner: string
  min: number
  /** Arrival time of each key seen. */
  seen: Map<number, number>
  ready: boolean
}

function startServer(mode: 'backlex' | 'baseline'): Promise<{ url: string; child: ChildProcess }> {
  const child = spawn(
    process.execPath,
    [
      // e.g. BENCH_SERVER_FLAGS=--cpu-prof to profile the server.
      ...(process.env.BENCH_SERVER_FLAGS?.split(' ').filter(Boolean) ?? []),
      '--expose-gc',
      fileURLToPath(new URL('./server.ts', import.meta.url)),
      mode,
    ],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  )
  return new Promise((resolve, reject) => {
    let out = ''
    child.stdout?.on('data', (chunk: Buffer) => {
      out += chunk
      for (const line of out.split('\n')) {
        if (!line.startsWith('{"url"')) continue
        resolve({ url: (JSON.parse(line) as { url: string }).url, child })
      }
    })
    child.once('exit', (code) => reject(new Error(`server exited with ${code}: ${out}`)))
  })
}

async function stats(url: string): Promise<{ rss: number; heapUsed: number }> {
  return (await fetch(`${url}/bench/stats`)).json() as Promise<{ rss: number; heapUsed: number }>
}

function subscribeUrl(mode: string, base: string, s: Subscriber): string {
  if (mode === 'baseline') return `${base}/sse?owner=${s.owner}&min=${s.min}`
  const filter = JSON.stringify({ _or: [{ owner: { _eq: s.owner } }, { views: { _gte: s.min } }] })
  return `${base}/api/realtime/items:articles/subscribe?filter=${encodeURIComponent(filter)}`
}

/**
 * Opens one SSE connection on a raw socket and records when each event's key arrives. No HTTP
 * client library: with 10,000 connections in one process, the client's own parsing would be
 * most of what is measured. Frames are found by their text in what the socket reads.
 */
function open(url: string, s: Subscriber): Promise<void> {
  const { hostname, port, pathname, search } = new URL(url)
  return new Promise((resolve, reject) => {
    const socket = connect({ host: hostname, port: Number(port) }, () => {
      socket.write(
        `GET ${pathname}${search} HTTP/1.1\r\nhost: ${hostname}:${port}\r\naccept: text/event-stream\r\n\r\n`,
      )
    })
    sockets.push(socket)
    socket.setNoDelay(true)
    socket.on('error', reject)
    let first = true
    socket.on('data', (chunk: Buffer) => {
      const now = performance.now()
      const text = chunk.toString('latin1')
      if (first) {
        first = false
        if (!text.startsWith('HTTP/1.1 200')) {
          return reject(new Error(`subscribe answered ${text.slice(0, text.indexOf('\r\n'))}`))
        }
      }
      if (!s.ready && text.includes('event: ready')) {
        s.ready = true
        resolve()
      }
      for (const match of text.matchAll(CREATE)) s.seen.set(Number(match[1]), now)
    })
  })
}

const CREATE = /event: create\ndata: \{"collection":"articles","key":(\d+)/g
const sockets: Socket[] = []

function post(url: string, body: unknown): Promise<void> {
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      { method: 'POST', headers: { 'content-type': 'application/json' } },
      (res) => {
        res.resume()
        res.on('end', resolve)
      },
    )
    req.on('error', reject)
    req.end(JSON.stringify(body))
  })
}

const percentile = (sorted: number[], q: number) =>
  sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)] ?? 0

async function run(mode: 'backlex' | 'baseline', n: number) {
  const { url, child } = await startServer(mode)
  try {
    const before = await stats(url)
    const subscribers: Subscriber[] = Array.from({ length: n }, (_, index) => ({
      index,
      owner: `u${index}`,
      min: index % 1000,
      seen: new Map(),
      ready: false,
    }))
    const openStarted = performance.now()
    for (let i = 0; i < n; i += OPEN_CONCURRENCY) {
      await Promise.all(
        subscribers.slice(i, i + OPEN_CONCURRENCY).map((s) => open(subscribeUrl(mode, url, s), s)),
      )
    }
    const openMs = performance.now() - openStarted
    const after = await stats(url)
    const latencies: number[] = []
    let matchedTotal = 0
    for (let w = 0; w < warmup + writes; w++) {
      const key = 1_000_000 + w
      const views = (w * 379) % 1000
      const row = { id: key, title: `write ${w}`, owner: `u${(w * 7919) % n}`, views }
      const matching = subscribers.filter((s) => s.owner === row.owner || views >= s.min)
      const sent = performance.now()
      await post(`${url}/bench/write`, row)
      const deadline = Date.now() + 30_000
      while (matching.some((s) => !s.seen.has(key))) {
        if (Date.now() > deadline) throw new Error(`write ${w}: not every subscriber got it`)
        await new Promise((r) => setImmediate(r))
      }
      const last = Math.max(...matching.map((s) => s.seen.get(key) ?? 0))
      const extra = subscribers.filter((s) => s.seen.has(key)).length - matching.length
      if (extra !== 0)
        throw new Error(`write ${w}: ${extra} subscribers got an event they should not`)
      if (w >= warmup) {
        latencies.push(last - sent)
        matchedTotal += matching.length
      }
      for (const s of subscribers) s.seen.delete(key)
    }
    latencies.sort((a, b) => a - b)
    return {
      mode,
      n,
      p50: percentile(latencies, 0.5),
      p99: percentile(latencies, 0.99),
      max: latencies.at(-1) ?? 0,
      matchedAvg: Math.round(matchedTotal / writes),
      rssMb: after.rss / 2 ** 20,
      rssPerConnKb: (after.rss - before.rss) / n / 1024,
      heapPerConnKb: (after.heapUsed - before.heapUsed) / n / 1024,
      openMs,
    }
  } finally {
    for (const socket of sockets.splice(0)) socket.destroy()
    // The subscriptions are still open: a graceful stop would wait for them (SIGINT when
    // profiling, so the profile is written).
    child.kill(process.env.BENCH_SERVER_FLAGS ? 'SIGINT' : 'SIGKILL')
    await new Promise((r) => child.once('exit', r))
  }
}

const cpu = cpus()[0]?.model.trim() ?? 'unknown CPU'
console.log(
  `${new Date().toISOString().slice(0, 10)} | ${process.version} | ${process.platform} ${process.arch}, ${cpus().length} cores (${cpu}) | load ${loadavg()[0]?.toFixed(1)}`,
)
console.log(
  '| server | connections | matching per write | p50 | p99 | max | RSS | RSS per connection | heap per connection | opening all |',
)
console.log('|---|---|---|---|---|---|---|---|---|---|')
for (const n of sizes) {
  for (const mode of ['backlex', 'baseline'] as const) {
    const r = await run(mode, n)
    console.log(
      `| ${r.mode} | ${r.n} | ${r.matchedAvg} | ${r.p50.toFixed(1)} ms | ${r.p99.toFixed(1)} ms | ${r.max.toFixed(1)} ms | ${r.rssMb.toFixed(0)} MB | ${r.rssPerConnKb.toFixed(1)} KB | ${r.heapPerConnKb.toFixed(1)} KB | ${(r.openMs / 1000).toFixed(1)} s |`,
    )
  }
}
