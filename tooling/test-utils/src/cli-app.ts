// Running an example app the way a user does: `backlex start` through the app's own binary in
// a child process, on embedded SQLite or on a PostgreSQL schema named by DATABASE_URL.
import { type ChildProcess, spawn } from 'node:child_process'
import { createInterface } from 'node:readline'
// `dialects` is read when a target is used, not while these modules load (they import each other).
import { dialects } from './index.js'

export interface StartedApp {
  child: ChildProcess
  /** Resolves with the server's URL once it logs that it listens; rejects if it exits first. */
  url: Promise<string>
}

/**
 * Starts `<bin> start --config <config> --port 0` in `cwd`.
 * @example
 * const app = startApp(join(dir, 'node_modules/.bin/backlex'), config, cwd, env)
 * const url = await app.url
 */
export function startApp(
  bin: string,
  config: string,
  cwd: string,
  env: NodeJS.ProcessEnv,
): StartedApp {
  const child = spawn(bin, ['start', '--config', config, '--port', '0'], {
    cwd,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  const output: string[] = []
  const url = new Promise<string>((resolve, reject) => {
    for (const stream of [child.stdout, child.stderr]) {
      createInterface({ input: stream }).on('line', (line) => {
        output.push(line)
        if (line.includes('"msg":"listening"')) resolve(JSON.parse(line).url)
      })
    }
    child.once('exit', (code) => reject(new Error(`exited ${code}:\n${output.join('\n')}`)))
  })
  return { child, url }
}

/** Sends SIGTERM (unless it already exited) and resolves with the exit code. */
export const stopApp = (child: ChildProcess) =>
  new Promise<number | null>((resolve) => {
    if (child.exitCode !== null) return resolve(child.exitCode)
    child.once('exit', (code) => resolve(code))
    child.kill('SIGTERM')
  })

export interface AppTarget {
  dialect: 'sqlite' | 'postgres'
  available: boolean
  /** Environment for the app: nothing for SQLite, DATABASE_URL on a fresh schema for PostgreSQL. */
  env(): Promise<{ env: Record<string, string>; cleanup(): Promise<void> }>
}

/** Both databases for an app started with `startApp`; use with `describe.each`. */
export const appTargets: AppTarget[] = [
  { dialect: 'sqlite', available: true, env: async () => ({ env: {}, cleanup: async () => {} }) },
  {
    dialect: 'postgres',
    available: Boolean(process.env.TEST_DATABASE_URL),
    async env() {
      const database = await dialects[1]?.create()
      if (!database?.schema) throw new Error('no PostgreSQL test database')
      const url = new URL(database.location)
      url.searchParams.set('options', `-c search_path=${database.schema}`)
      return { env: { DATABASE_URL: url.toString() }, cleanup: () => database.cleanup() }
    },
  },
]
