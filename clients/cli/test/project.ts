// Temporary backlex projects for the CLI's tests, and a way to run the built CLI in them.
// Projects live under test/.tmp so that `@backlex/kernel` in their configs resolves through
// this package's node_modules, as it would through a real project's.
import { type ChildProcess, spawn } from 'node:child_process'
import { mkdir, rm, stat, writeFile } from 'node:fs/promises'
import { dirname, join } from 'node:path'
import { createInterface } from 'node:readline'
import { fileURLToPath } from 'node:url'

const packageDir = fileURLToPath(new URL('..', import.meta.url))
export const cliPath = join(packageDir, 'bin', 'backlex.js')
const tmpRoot = join(packageDir, 'test', '.tmp')
let counter = 0

/** Fails with a clear message when the CLI has not been built: the tests run dist/cli.js. */
export async function assertBuilt(): Promise<void> {
  await stat(join(packageDir, 'dist', 'cli.js')).catch(() => {
    throw new Error('@backlex/cli is not built: run `pnpm --filter @backlex/cli build` first')
  })
}

export interface Project {
  dir: string
  write(path: string, content: string): Promise<void>
  remove(): Promise<void>
}

/** A project directory with `package.json` (ESM) and the given files. */
export async function createProject(files: Record<string, string>): Promise<Project> {
  const dir = join(tmpRoot, `p${process.pid}-${Date.now().toString(36)}-${counter++}`)
  const write = async (path: string, content: string) => {
    await mkdir(dirname(join(dir, path)), { recursive: true })
    await writeFile(join(dir, path), content)
  }
  await write(
    'package.json',
    JSON.stringify({ name: 'test-project', private: true, type: 'module' }),
  )
  for (const [path, content] of Object.entries(files)) await write(path, content)
  return { dir, write, remove: () => rm(dir, { recursive: true, force: true }) }
}

/**
 * The environment for a CLI run: none of the caller's PORT, HOST or DATABASE_URL, and none of
 * the variables a package manager sets (the tests may run under `pnpm test`), as from a shell.
 */
export function cliEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const { PORT: _p, HOST: _h, DATABASE_URL: _d, NODE_ENV: _n, ...rest } = process.env
  for (const name of Object.keys(rest)) if (name.startsWith('npm_')) delete rest[name]
  return { ...rest, ...extra }
}

export interface CliResult {
  code: number | null
  stdout: string
  stderr: string
}

/**
 * stderr without Node's own experimental-feature warnings: Node 22 prints one for node:sqlite,
 * Node 24 does not, and they are not the CLI's output.
 */
export function withoutNodeWarnings(stderr: string): string {
  return stderr
    .replace(/^\(node:\d+\) ExperimentalWarning: .*\n/gm, '')
    .replace(/^\(Use `node --trace-warnings .*\n/gm, '')
}

/** Runs `backlex <args>` to completion; stderr comes without Node's experimental warnings. */
export function runCli(args: string[], options: { cwd: string; env?: NodeJS.ProcessEnv }) {
  return new Promise<CliResult>((resolve, reject) => {
    const child = spawn(process.execPath, [cliPath, ...args], {
      cwd: options.cwd,
      env: options.env ?? cliEnv(),
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk
    })
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk
    })
    child.once('error', reject)
    child.once('close', (code) => resolve({ code, stdout, stderr: withoutNodeWarnings(stderr) }))
  })
}

export interface RunningCli {
  child: ChildProcess
  /** Every line printed so far, stdout and stderr interleaved. */
  lines: string[]
  /** Resolves with the first matching line printed after `from` (an index into `lines`). */
  waitForLine(match: (line: string) => boolean, from?: number): Promise<string>
  /** The url of the n-th (0-based) "listening" log line. */
  listening(n?: number): Promise<string>
  /** Resolves with the exit code once the process is gone. */
  exited: Promise<number | null>
  stop(): Promise<number | null>
}

/** Parses a JSON log line, or returns undefined for anything else. */
export function logLine(line: string): Record<string, unknown> | undefined {
  try {
    const parsed: unknown = JSON.parse(line)
    return typeof parsed === 'object' && parsed !== null
      ? (parsed as Record<string, unknown>)
      : undefined
  } catch {
    return undefined
  }
}

/** Starts a long-running command (`dev`, `start`). */
export function startCli(args: string[], options: { cwd: string; env?: NodeJS.ProcessEnv }) {
  const child = spawn(process.execPath, [cliPath, ...args], {
    cwd: options.cwd,
    env: options.env ?? cliEnv(),
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  const lines: string[] = []
  const waiters: { match: (line: string) => boolean; resolve: (line: string) => void }[] = []
  const onLine = (line: string) => {
    lines.push(line)
    for (const waiter of [...waiters]) {
      if (waiter.match(line)) {
        waiters.splice(waiters.indexOf(waiter), 1)
        waiter.resolve(line)
      }
    }
  }
  for (const stream of [child.stdout, child.stderr]) {
    createInterface({ input: stream }).on('line', onLine)
  }
  const exited = new Promise<number | null>((resolve) =>
    child.once('exit', (code) => resolve(code)),
  )
  const running: RunningCli = {
    child,
    lines,
    waitForLine(match, from = 0) {
      const seen = lines.slice(from).find(match)
      if (seen !== undefined) return Promise.resolve(seen)
      return new Promise((resolve, reject) => {
        waiters.push({ match, resolve })
        void exited.then((code) =>
          reject(
            new Error(`backlex exited (${code}) before the line; output:\n${lines.join('\n')}`),
          ),
        )
      })
    },
    async listening(n = 0) {
      let from = 0
      let line = ''
      for (let i = 0; i <= n; i++) {
        line = await running.waitForLine((l) => logLine(l)?.msg === 'listening', from)
        from = lines.indexOf(line, from) + 1
      }
      return String(logLine(line)?.url)
    },
    exited,
    async stop() {
      if (child.exitCode === null) child.kill('SIGTERM')
      return exited
    },
  }
  return running
}
