// Test helpers (Node only): bundle a Worker entry with esbuild and run it in workerd through
// Miniflare, with in-memory D1 databases the test can query from outside.
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { build } from 'esbuild'
import { Miniflare } from 'miniflare'
import type { D1DatabaseLike } from '../d1/types.js'

export interface BundleWorkerOptions {
  /** The Worker's entry file, e.g. `test/fixtures/worker.ts`. */
  entry: string
  /** Leave `node:*` imports to workerd's `nodejs_compat` instead of failing the bundle. */
  nodejsCompat?: boolean
}

export interface BundledWorker {
  /** The single ES module workerd runs. */
  scriptPath: string
  /** The directory holding it (workerd names modules relative to it). */
  dir: string
  cleanup(): Promise<void>
}

/**
 * Bundles a Worker entry the way Wrangler does (ESM, `workerd`/`worker`/`browser` conditions).
 * Without `nodejsCompat`, an import of a Node built-in anywhere in the graph fails the bundle.
 * @example
 * const { scriptPath, cleanup } = await bundleWorker({ entry: 'src/worker.ts' })
 */
export async function bundleWorker(options: BundleWorkerOptions): Promise<BundledWorker> {
  const dir = await mkdtemp(join(tmpdir(), 'backlex-worker-'))
  const scriptPath = join(dir, 'worker.js')
  try {
    await build({
      entryPoints: [options.entry],
      outfile: scriptPath,
      bundle: true,
      format: 'esm',
      platform: 'neutral',
      target: 'es2022',
      conditions: ['workerd', 'worker', 'browser'],
      mainFields: ['module', 'main'],
      external: ['cloudflare:*', ...(options.nodejsCompat ? ['node:*'] : [])],
      logLevel: 'silent',
    })
  } catch (error) {
    await rm(dir, { recursive: true, force: true })
    throw error
  }
  return { scriptPath, dir, cleanup: () => rm(dir, { recursive: true, force: true }) }
}

export interface StartWorkerOptions extends BundleWorkerOptions {
  /** Plain-text vars and secrets of the Worker's env. */
  bindings?: Record<string, string>
  /** D1 bindings, each a fresh in-memory database (default `['DB']`). */
  d1Databases?: string[]
  compatibilityDate?: string
  compatibilityFlags?: string[]
}

export interface WorkerUnderTest {
  /** Sends a request to the Worker; `path` is resolved against `http://localhost`. */
  fetch(path: string, init?: RequestInit): Promise<Response>
  /** A D1 binding of the Worker, to query from the test. */
  d1(binding?: string): Promise<D1DatabaseLike>
  readonly miniflare: Miniflare
  /** Stops workerd and deletes the bundle. */
  dispose(): Promise<void>
}

const NULL_BODY = new Set([101, 204, 205, 304])

/**
 * Bundles `entry` and starts it in workerd.
 * @example
 * const worker = await startWorker({ entry: 'test/fixtures/worker.ts' })
 * const res = await worker.fetch('/health')
 * await worker.dispose()
 */
export async function startWorker(options: StartWorkerOptions): Promise<WorkerUnderTest> {
  const bundle = await bundleWorker(options)
  const flags = [
    ...(options.compatibilityFlags ?? []),
    ...(options.nodejsCompat ? ['nodejs_compat'] : []),
  ]
  const miniflare = new Miniflare({
    modules: true,
    scriptPath: bundle.scriptPath,
    modulesRoot: bundle.dir,
    compatibilityDate: options.compatibilityDate ?? '2025-09-01',
    compatibilityFlags: flags,
    d1Databases: options.d1Databases ?? ['DB'],
    bindings: options.bindings ?? {},
  })
  try {
    await miniflare.ready
  } catch (error) {
    await bundle.cleanup()
    throw error
  }
  return {
    miniflare,
    async fetch(path, init) {
      const request = new Request(new URL(path, 'http://localhost'), init)
      const res = await miniflare.dispatchFetch(request.url, {
        method: request.method,
        headers: [...request.headers],
        body: request.body ? await request.arrayBuffer() : null,
      })
      // Miniflare answers with undici's Response; hand back the global one.
      const body = NULL_BODY.has(res.status) ? null : await res.arrayBuffer()
      return new Response(body, { status: res.status, headers: [...res.headers] })
    },
    d1: (binding = 'DB') => miniflare.getD1Database(binding),
    async dispose() {
      try {
        await miniflare.dispose()
      } finally {
        await bundle.cleanup()
      }
    },
  }
}
