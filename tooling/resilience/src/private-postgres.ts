// A PostgreSQL server of the test's own (initdb + pg_ctl in a temp folder, on a free port), so a
// test may terminate its backends, stop and start it without disturbing anyone else's database.
import { execFile } from 'node:child_process'
import { accessSync, constants } from 'node:fs'
import { chmod, chown, mkdtemp, rm } from 'node:fs/promises'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { delimiter, join } from 'node:path'
import { promisify } from 'node:util'
import pg from 'pg'

const run = promisify(execFile)

/** True when `initdb` and `pg_ctl` are on PATH. */
export function postgresServerAvailable(): boolean {
  return ['initdb', 'pg_ctl'].every((tool) =>
    (process.env.PATH ?? '').split(delimiter).some((dir) => {
      try {
        accessSync(join(dir, tool), constants.X_OK)
        return true
      } catch {
        return false
      }
    }),
  )
}

export interface PrivatePostgres {
  /** `postgres://postgres@127.0.0.1:<port>/<database>` */
  url: string
  port: number
  /** `pg_ctl stop -m fast`: every connection is ended, new ones are refused. */
  stop(): Promise<void>
  /** `pg_ctl start`, resolving once it accepts connections. */
  start(): Promise<void>
  /** Runs one statement on a connection of its own (not counted as the app's). */
  query<R extends pg.QueryResultRow>(text: string, values?: unknown[]): Promise<R[]>
  /** Stops the server (immediately) and removes its folder; safe to call more than once. */
  destroy(): Promise<void>
}

/** A free TCP port on loopback. */
async function freePort(): Promise<number> {
  const server = createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const address = server.address()
  await new Promise((resolve) => server.close(resolve))
  if (!address || typeof address === 'string') throw new Error('no free port')
  return address.port
}

/**
 * Creates, starts and returns a private PostgreSQL server with one database. PostgreSQL refuses
 * to run as root, so under root (as in CI) its tools run as the `postgres` system user.
 * @example
 * const server = await startPrivatePostgres('app')
 * await server.stop(); await server.start()
 */
export async function startPrivatePostgres(database: string): Promise<PrivatePostgres> {
  const dir = await mkdtemp(join(tmpdir(), 'backlex-pg-'))
  const data = join(dir, 'data')
  const asRoot = process.getuid?.() === 0
  if (asRoot) {
    const { stdout } = await run('id', ['-u', 'postgres'])
    const { stdout: group } = await run('id', ['-g', 'postgres'])
    await chown(dir, Number(stdout.trim()), Number(group.trim()))
  }
  await chmod(dir, 0o700)
  const tool = (name: string, args: string[]) =>
    asRoot
      ? run('runuser', ['-u', 'postgres', '--', name, ...args], { cwd: dir })
      : run(name, args, { cwd: dir })

  const port = await freePort()
  const options = [
    `-p ${port}`,
    '-c listen_addresses=127.0.0.1',
    `-c unix_socket_directories=${dir}`,
    '-c fsync=off',
    '-c synchronous_commit=off',
  ].join(' ')
  let running = false
  const start = async () => {
    await tool('pg_ctl', ['-D', data, '-l', join(dir, 'server.log'), '-o', options, '-w', 'start'])
    running = true
  }
  const stop = async (mode: 'fast' | 'immediate') => {
    if (!running) return
    await tool('pg_ctl', ['-D', data, '-m', mode, '-w', 'stop'])
    running = false
  }
  const base = `postgres://postgres@127.0.0.1:${port}`
  const query = async <R extends pg.QueryResultRow>(text: string, values?: unknown[]) => {
    const client = new pg.Client({ connectionString: `${base}/${database}` })
    client.on('error', () => {})
    await client.connect()
    try {
      return (await client.query<R>(text, values)).rows
    } finally {
      await client.end()
    }
  }

  try {
    await tool('initdb', ['-D', data, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--no-sync'])
    await start()
    const admin = new pg.Client({ connectionString: `${base}/postgres` })
    await admin.connect()
    try {
      await admin.query(`create database "${database}"`)
    } finally {
      await admin.end()
    }
  } catch (error) {
    await stop('immediate').catch(() => {})
    await rm(dir, { recursive: true, force: true })
    throw error
  }

  return {
    url: `${base}/${database}`,
    port,
    start,
    stop: () => stop('fast'),
    query,
    async destroy() {
      await stop('immediate').catch(() => {})
      await rm(dir, { recursive: true, force: true })
    },
  }
}
