// Boot time of examples/basic: from spawning `backlex start` to the first 200 on /health.
// Usage: node boot.ts [--runs 10]. Prints each run, then median, min and max in ms.
import { type ChildProcess, execFileSync, spawn } from 'node:child_process'
import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import { createServer } from 'node:net'
import { cpus, loadavg, platform, tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'

const { values } = parseArgs({ options: { runs: { type: 'string', default: '10' } } })
const runs = Number(values.runs)
const exampleDir = fileURLToPath(new URL('../../examples/basic/', import.meta.url))
const backlex = join(exampleDir, 'node_modules', '.bin', 'backlex')
const POLL_MS = 5

if (!existsSync(backlex) || !existsSync(join(exampleDir, '../../clients/cli/dist/cli.js'))) {
  console.error('Build first: pnpm build (the bench runs the built CLI in examples/basic).')
  process.exit(1)
}

/** A port nothing listens on right now. */
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

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

async function firstOk(url: string, child: ChildProcess): Promise<void> {
  for (;;) {
    if (child.exitCode !== null) throw new Error(`backlex start exited with ${child.exitCode}`)
    try {
      const res = await fetch(url)
      await res.arrayBuffer()
      if (res.status === 200) return
    } catch {
      // Not listening yet.
    }
    await sleep(POLL_MS)
  }
}

/** The baseline: a bare node:http server, so that a busy machine shows in both numbers. */
const BARE_SERVER = `require('node:http').createServer((q, s) => s.end('ok'))
  .listen(Number(process.env.PORT), '127.0.0.1')
process.on('SIGTERM', () => process.exit(0))`

/** One boot: spawn, poll /health until 200, stop with SIGTERM. Returns the ms to the 200. */
async function bootOnce(env: NodeJS.ProcessEnv = process.env, bare = false): Promise<number> {
  const port = await freePort()
  const started = performance.now()
  const child = bare
    ? spawn(process.execPath, ['-e', BARE_SERVER], {
        env: { ...env, PORT: String(port) },
        stdio: 'ignore',
      })
    : spawn(backlex, ['start', '--port', String(port), '--host', '127.0.0.1'], {
        cwd: exampleDir,
        env,
        stdio: 'ignore',
      })
  try {
    await firstOk(`http://127.0.0.1:${port}/health`, child)
    return performance.now() - started
  } finally {
    const exited = new Promise((resolve) => child.once('exit', resolve))
    child.kill('SIGTERM')
    await exited
  }
}

// The server at rest, as in production: migrated once, beforehand.
execFileSync(backlex, ['migrate'], { cwd: exampleDir, stdio: 'ignore' })

const ms = (n: number) => `${Math.round(n)} ms`

interface Stats {
  times: number[]
  median: number
  min: number
  max: number
}

async function series(env?: NodeJS.ProcessEnv, bare = false): Promise<Stats> {
  const times: number[] = []
  for (let i = 0; i < runs; i++) times.push(await bootOnce(env, bare))
  const sorted = [...times].sort((a, b) => a - b)
  const mid = sorted.length / 2
  const median =
    sorted.length % 2 === 1
      ? (sorted[Math.floor(mid)] ?? 0)
      : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2
  return { times, median, min: sorted[0] ?? 0, max: sorted.at(-1) ?? 0 }
}

const summary = (s: Stats) => `median ${ms(s.median)}, min ${ms(s.min)}, max ${ms(s.max)}`

// The CLI keeps Node's compile cache on disk. The first start with an empty cache fills it;
// every later start (the number that matters for restarts and scale-out) reads it.
const cacheDir = mkdtempSync(join(tmpdir(), 'backlex-bench-cache-'))
const cold = await bootOnce({ ...process.env, NODE_COMPILE_CACHE: cacheDir })
const warm = await series({ ...process.env, NODE_COMPILE_CACHE: cacheDir })
rmSync(cacheDir, { recursive: true, force: true })
const uncached = await series({ ...process.env, NODE_DISABLE_COMPILE_CACHE: '1' })
const baseline = await series(process.env, true)

const machine = `${platform()} ${process.arch}, ${cpus().length} cores (${cpus()[0]?.model.trim() ?? 'unknown'})`
console.log(`backlex start -> first 200 on /health, ${runs} runs, ${process.version}, ${machine}`)
// Boot time is CPU-bound: a busy machine (load above its core count) inflates every number.
console.log(`  load average (1 min) at the end: ${loadavg()[0]?.toFixed(2)}`)
console.log(`  compile cache warm: ${summary(warm)}  [${warm.times.map(ms).join(', ')}]`)
console.log(`  compile cache off:  ${summary(uncached)}  [${uncached.times.map(ms).join(', ')}]`)
console.log(`  first start, empty cache: ${ms(cold)}`)
console.log(`  baseline, bare node:http server: ${summary(baseline)}`)
console.log('\nREADME row:')
console.log(
  `| ${new Date().toISOString().slice(0, 10)} | ${process.version} | ${machine} | ${loadavg()[0]?.toFixed(1)} | ${runs} | ${ms(warm.median)} | ${ms(warm.min)} | ${ms(warm.max)} | ${ms(uncached.median)} | ${ms(cold)} | ${ms(baseline.median)} |`,
)
