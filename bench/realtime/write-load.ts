// Realtime under a write load on PostgreSQL: W concurrent writers (default 20) create items over
// HTTP for S seconds (default 60) while an admin subscriber listens on `items:burst`. Per
// write: the time from its acknowledgement (sent after commit) and from its sending (before
// commit) to its event's arrival, as p50 / p99 / max; writes per second; events missing when
// the load ends and how long the last one took to arrive. Then the same load on a server
// without realtime: the throughput cost of logging each write in its own transaction.
// Usage: `pnpm --filter @backlex/bench-realtime bench:writes [--seconds 60] [--writers 20]`
// (BENCH_DATABASE_URL, default postgres://postgres@127.0.0.1:5432/test).
import { type ChildProcess, spawn } from 'node:child_process'
import { cpus, loadavg } from 'node:os'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'

const { values } = parseArgs({
  options: {
    seconds: { type: 'string', default: '60' },
    writers: { type: 'string', default: '20' },
    plain: { type: 'boolean', default: true },
  },
  allowNegative: true,
})
const seconds = Number(values.seconds)
const writers = Number(values.writers)
const admin = { authorization: 'Bearer admin' }
const server = fileURLToPath(new URL('./write-server.ts', import.meta.url))

function run(args: string[], schema: string): { child: ChildProcess; url: Promise<string> } {
  const child = spawn(process.execPath, [server, ...args], {
    env: { ...process.env, BENCH_SCHEMA: schema },
    stdio: ['ignore', 'pipe', 'inherit'],
  })
  const url = new Promise<string>((resolve, reject) => {
    let out = ''
    child.stdout?.on('data', (chunk: Buffer) => {
      out += chunk
      const line = out.split('\n').find((l) => l.startsWith('{"url"'))
      if (line) resolve((JSON.parse(line) as { url: string }).url)
    })
    child.once('exit', (code) => reject(new Error(`server exited with ${code}: ${out}`)))
  })
  return { child, url }
}

const exited = (child: ChildProcess, stop = true) =>
  new Promise<void>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve()
    child.once('exit', () => resolve())
    if (stop) child.kill('SIGTERM')
  })

/** Drops a schema (the server script does it, and exits). */
async function drop(schema: string) {
  const dropping = run(['drop'], schema)
  dropping.url.catch(() => {})
  await exited(dropping.child, false)
}

/** Listens on items:burst as admin; resolves once `ready`, recording each key's arrival. */
async function subscribe(url: string, arrivals: Map<number, number>) {
  const controller = new AbortController()
  const res = await fetch(`${url}/api/realtime/items:burst/subscribe`, {
    headers: admin,
    signal: controller.signal,
  })
  const reader = (res.body as ReadableStream<Uint8Array>).getReader()
  const decoder = new TextDecoder()
  let ready: () => void = () => {}
  const isReady = new Promise<void>((resolve) => {
    ready = resolve
  })
  void (async () => {
    let buffer = ''
    for (;;) {
      const chunk = await reader.read().catch(() => ({ done: true, value: undefined }))
      if (chunk.done) return
      buffer += decoder.decode(chunk.value, { stream: true })
      let end = buffer.indexOf('\n\n')
      while (end >= 0) {
        const block = buffer.slice(0, end)
        buffer = buffer.slice(end + 2)
        end = buffer.indexOf('\n\n')
        if (block.includes('event: ready')) ready()
        if (!block.includes('event: create')) continue
        const data = block.split('\n').find((l) => l.startsWith('data: '))
        if (!data) continue
        const key = (JSON.parse(data.slice(6)) as { key: number }).key
        arrivals.set(key, performance.now())
      }
    }
  })()
  await isReady
  return () => controller.abort()
}

interface Write {
  key: number
  sentAt: number
  ackAt: number
}

async function load(url: string): Promise<{ writes: Write[]; errors: number; endedAt: number }> {
  const writes: Write[] = []
  let errors = 0
  const deadline = performance.now() + seconds * 1000
  await Promise.all(
    Array.from({ length: writers }, async (_, w) => {
      for (let i = 0; performance.now() < deadline; i++) {
        const sentAt = performance.now()
        const res = await fetch(`${url}/api/items/burst`, {
          method: 'POST',
          headers: { ...admin, 'content-type': 'application/json' },
          body: JSON.stringify({ title: `w${w}-${i}` }),
        })
        const body = (await res.json()) as { data?: { id: number } }
        if (res.status !== 201 || !body.data) {
          errors++
          continue
        }
        writes.push({ key: body.data.id, sentAt, ackAt: performance.now() })
      }
    }),
  )
  return { writes, errors, endedAt: performance.now() }
}

const percentile = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN
const ms = (n: number) => `${n.toFixed(n < 10 ? 1 : 0)} ms`

async function withRealtime() {
  const schema = `bench_realtime_${process.pid}_rt`
  const { child, url } = run(['realtime'], schema)
  try {
    const base = await url
    const arrivals = new Map<number, number>()
    const stop = await subscribe(base, arrivals)
    const { writes, errors, endedAt } = await load(base)
    const missingAtEnd = writes.filter((w) => !arrivals.has(w.key)).length
    const waitUntil = performance.now() + 120_000
    while (writes.some((w) => !arrivals.has(w.key)) && performance.now() < waitUntil) {
      await new Promise((r) => setTimeout(r, 20))
    }
    stop()
    const lost = writes.filter((w) => !arrivals.has(w.key)).length
    const last = Math.max(...writes.map((w) => arrivals.get(w.key) ?? Number.NaN))
    const fromAck = writes.map((w) => (arrivals.get(w.key) ?? Number.NaN) - w.ackAt)
    const fromSend = writes.map((w) => (arrivals.get(w.key) ?? Number.NaN) - w.sentAt)
    fromAck.sort((a, b) => a - b)
    fromSend.sort((a, b) => a - b)
    return {
      writes: writes.length,
      perSecond: writes.length / seconds,
      errors,
      missingAtEnd,
      lost,
      catchUp: Math.max(0, last - endedAt),
      ack: { p50: percentile(fromAck, 50), p99: percentile(fromAck, 99), max: fromAck.at(-1) },
      send: { p50: percentile(fromSend, 50), p99: percentile(fromSend, 99), max: fromSend.at(-1) },
    }
  } finally {
    await exited(child)
    await drop(schema)
  }
}

async function withoutRealtime() {
  const schema = `bench_realtime_${process.pid}_plain`
  const { child, url } = run(['plain'], schema)
  try {
    const { writes, errors } = await load(await url)
    return { perSecond: writes.length / seconds, errors }
  } finally {
    await exited(child)
    await drop(schema)
  }
}

const loadBefore = loadavg()[0] ?? 0
const rt = await withRealtime()
const plain = values.plain ? await withoutRealtime() : undefined
const loadAfter = loadavg()[0] ?? 0
const cpu = cpus()[0]?.model ?? 'unknown'

console.log(
  `${writers} writers, ${seconds} s, PostgreSQL; ${cpus().length} cores (${cpu}); load (1 min) ${loadBefore.toFixed(1)} before, ${loadAfter.toFixed(1)} after`,
)
console.log(
  `with realtime: ${rt.writes} writes acknowledged (${rt.perSecond.toFixed(0)}/s, ${rt.errors} errors); events missing when the load ended: ${rt.missingAtEnd}; never delivered: ${rt.lost}; last event ${ms(rt.catchUp)} after the load ended`,
)
console.log(
  `  acknowledgement -> event: p50 ${ms(rt.ack.p50)}, p99 ${ms(rt.ack.p99)}, max ${ms(rt.ack.max ?? Number.NaN)} (negative: the event came first)`,
)
console.log(
  `  sending -> event (an upper bound of commit -> event): p50 ${ms(rt.send.p50)}, p99 ${ms(rt.send.p99)}, max ${ms(rt.send.max ?? Number.NaN)}`,
)
if (plain) {
  console.log(
    `without realtime: ${plain.perSecond.toFixed(0)} writes/s (${plain.errors} errors); realtime costs ${(100 * (1 - rt.perSecond / plain.perSecond)).toFixed(0)}% of write throughput`,
  )
}
