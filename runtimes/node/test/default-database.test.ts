// The preset's default Database on both dialects: embedded SQLite under the working
// directory, or PostgreSQL when DATABASE_URL is set. Data goes through real HTTP.
import { mkdtemp, rm, stat } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { DatabaseSync } from 'node:sqlite'
import { dialects, postgresUrl, silentLogger } from '@backlex/test-utils'
import pg from 'pg'
import { describe, expect, it } from 'vitest'
import { serve } from '../src/index.js'
import { notes } from './plugins.js'

interface Case {
  dialect: 'sqlite' | 'postgres'
  available: boolean
  /** The environment and working directory to serve with, and how to read rows directly. */
  setup(cwd: string): Promise<{
    env: Record<string, string>
    rows(): Promise<unknown[]>
    cleanup(): Promise<void>
  }>
}

const cases: Case[] = [
  {
    dialect: 'sqlite',
    available: true,
    async setup(cwd) {
      return {
        env: {},
        async rows() {
          const file = join(cwd, '.data', 'backlex.sqlite')
          await stat(file)
          const db = new DatabaseSync(file, { readOnly: true })
          try {
            return db.prepare('select id, text from test_notes order by id').all()
          } finally {
            db.close()
          }
        },
        cleanup: async () => {},
      }
    },
  },
  {
    dialect: 'postgres',
    available: Boolean(postgresUrl),
    async setup() {
      const database = await (dialects.find((d) => d.dialect === 'postgres')?.create() ??
        Promise.reject(new Error('no postgres dialect')))
      const url = new URL(database.location)
      // The search_path rides in the URL, as a user's DATABASE_URL could carry it.
      url.searchParams.set('options', `-c search_path=${database.schema}`)
      return {
        env: { DATABASE_URL: url.toString() },
        async rows() {
          const client = new pg.Client({ connectionString: database.location })
          await client.connect()
          try {
            const result = await client.query(
              `select id, text from "${database.schema}".test_notes order by id`,
            )
            return result.rows
          } finally {
            await client.end()
          }
        },
        cleanup: () => database.cleanup(),
      }
    },
  },
]

describe.each(cases)('default Database on $dialect', ({ dialect, available, setup }) => {
  it.skipIf(!available)(
    'migrates in dev mode, stores rows over HTTP, rejects bad input',
    async () => {
      const cwd = await mkdtemp(join(tmpdir(), 'backlex-node-db-'))
      const { env, rows, cleanup } = await setup(cwd)
      const server = await serve(
        { plugins: [notes()], dev: true, logger: silentLogger() },
        { port: 0, signals: false, env, cwd },
      )
      try {
        expect(server.kernel.plugins()[0]?.name).toBe(`@backlex/${dialect}`)

        const created = await fetch(`${server.url}/api/notes`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ id: 1, text: 'first' }),
        })
        expect(created.status).toBe(201)

        const bad = await fetch(`${server.url}/api/notes`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ id: 2, text: '' }),
        })
        expect(bad.status).toBe(400)
        expect(await bad.json()).toMatchObject({
          errors: [{ extensions: { code: 'VALIDATION_FAILED' } }],
        })

        const listed = await fetch(`${server.url}/api/notes`)
        expect(await listed.json()).toEqual({ dialect, notes: [{ id: 1, text: 'first' }] })
        expect(await rows()).toEqual([{ id: 1, text: 'first' }])
      } finally {
        await server.close()
        await cleanup()
        await rm(cwd, { recursive: true, force: true })
      }
    },
  )
})

describe('default Database without DATABASE_URL', () => {
  it('creates ./.data/backlex.sqlite under the working directory at boot', async () => {
    const cwd = await mkdtemp(join(tmpdir(), 'backlex-node-db-'))
    const server = await serve(
      { plugins: [], logger: silentLogger() },
      { port: 0, signals: false, env: {}, cwd },
    )
    try {
      expect((await stat(join(cwd, '.data', 'backlex.sqlite'))).isFile()).toBe(true)
    } finally {
      await server.close()
      await rm(cwd, { recursive: true, force: true })
    }
  })
})
