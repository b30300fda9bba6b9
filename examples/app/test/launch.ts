// Starting the example as a user does (`backlex migrate`, then `backlex start` through its own
// binary) and talking to it over HTTP: shared by the example's tests.
import { execFile } from 'node:child_process'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { type AppTarget, type StartedApp, startApp, stopApp } from '@backlex/test-utils'

export const exampleDir = fileURLToPath(new URL('..', import.meta.url))
export const backlex = join(exampleDir, 'node_modules', '.bin', 'backlex')
export const config = join(exampleDir, 'backlex.config.ts')

/** The test runner's environment without what the example reads, plus a fixed secret. */
export function baseEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const { PORT: _p, HOST: _h, DATABASE_URL: _d, AUTH_SECRET: _s, ...rest } = process.env
  return { ...rest, AUTH_SECRET: 'example-app-test-secret-0123456789abcdef', ...extra }
}

export interface LaunchedApp {
  server: StartedApp
  base: string
  /** The output of `backlex migrate`. */
  migrated: string
  /** Stops the server and drops its database. */
  close(): Promise<void>
}

/** Migrates a fresh database of `target`, then starts the example on it. */
export async function launchExampleApp(target: AppTarget): Promise<LaunchedApp> {
  const cwd = await mkdtemp(join(tmpdir(), 'backlex-example-app-'))
  const database = await target.env()
  const env = baseEnv(database.env)
  const migrated = await promisify(execFile)(backlex, ['migrate', '--config', config], {
    cwd,
    env,
  })
  const server = startApp(backlex, config, cwd, env)
  const close = async () => {
    await stopApp(server.child)
    await database.cleanup()
    await rm(cwd, { recursive: true, force: true })
  }
  try {
    return { server, base: await server.url, migrated: migrated.stdout, close }
  } catch (error) {
    await close()
    throw error
  }
}

export interface Answer {
  status: number
  // biome-ignore lint/suspicious/noExplicitAny: tests read whatever JSON came back
  json: any
}

/** One JSON request; `bearer` as curl's `-H "authorization: Bearer ..."`. */
export async function send(
  base: string,
  method: string,
  path: string,
  options: { bearer?: string; body?: unknown; headers?: Record<string, string> } = {},
): Promise<Answer> {
  const response = await fetch(`${base}${path}`, {
    method,
    headers: {
      ...(options.bearer ? { authorization: `Bearer ${options.bearer}` } : {}),
      ...(options.body !== undefined ? { 'content-type': 'application/json' } : {}),
      ...options.headers,
    },
    ...(options.body !== undefined
      ? { body: typeof options.body === 'string' ? options.body : JSON.stringify(options.body) }
      : {}),
    signal: AbortSignal.timeout(15_000),
  })
  const text = await response.text()
  return { status: response.status, json: text ? JSON.parse(text) : undefined }
}

/** The code of the first error of an answer. */
export const codeOf = (answer: Answer): string | undefined =>
  answer.json?.errors?.[0]?.extensions?.code

/** Signs up the first user (the admin) and returns its session token. */
export async function signUpAdmin(base: string): Promise<string> {
  const signedUp = await send(base, 'POST', '/api/auth/sign-up/email', {
    body: { email: 'ada@example.com', password: 'correct horse battery', name: 'Ada' },
    headers: { origin: base },
  })
  if (signedUp.status !== 200) throw new Error(`sign-up: ${JSON.stringify(signedUp.json)}`)
  return signedUp.json.token
}

/** Creates an API key with the session `token`; returns its secret. */
export async function createKey(
  base: string,
  token: string,
  body: Record<string, unknown>,
): Promise<string> {
  const created = await send(base, 'POST', '/api/api-keys', { bearer: token, body })
  if (created.status !== 201) throw new Error(`api key: ${JSON.stringify(created.json)}`)
  return created.json.data.secret
}
