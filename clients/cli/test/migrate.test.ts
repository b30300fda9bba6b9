// `backlex migrate` on both dialects: the default SQLite file, and PostgreSQL via DATABASE_URL.
import { join } from 'node:path'
import { DatabaseSync } from 'node:sqlite'
import { dialects, postgresUrl } from '@backlex/test-utils'
import pg from 'pg'
import { afterEach, beforeAll, describe, expect, it } from 'vitest'
import { notesProject } from './fixtures.js'
import { assertBuilt, cliEnv, createProject, type Project, runCli } from './project.js'

interface Target {
  dialect: 'sqlite' | 'postgres'
  available: boolean
  /** The environment that points the CLI at the database, and a way to list its tables. */
  setup(project: Project): Promise<{
    env: NodeJS.ProcessEnv
    tables(): Promise<string[]>
    cleanup(): Promise<void>
  }>
}

const targets: Target[] = [
  {
    dialect: 'sqlite',
    available: true,
    async setup(project) {
      return {
        env: cliEnv(),
        async tables() {
          const db = new DatabaseSync(join(project.dir, '.data', 'backlex.sqlite'), {
            readOnly: true,
          })
          try {
            const rows = db.prepare("select name from sqlite_master where type = 'table'").all()
            return rows.map((r) => String(r.name))
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
      const postgres = dialects.find((d) => d.dialect === 'postgres')
      if (!postgres) throw new Error('no postgres dialect')
      const database = await postgres.create()
      const url = new URL(database.location)
      url.searchParams.set('options', `-c search_path=${database.schema}`)
      return {
        env: cliEnv({ DATABASE_URL: url.toString() }),
        async tables() {
          const client = new pg.Client({ connectionString: database.location })
          await client.connect()
          try {
            const { rows } = await client.query<{ table_name: string }>(
              'select table_name from information_schema.tables where table_schema = $1',
              [database.schema],
            )
            return rows.map((r) => r.table_name)
          } finally {
            await client.end()
          }
        },
        cleanup: () => database.cleanup(),
      }
    },
  },
]

beforeAll(assertBuilt)

describe.each(targets)('backlex migrate on $dialect', ({ available, setup }) => {
  const cleanups: (() => Promise<void>)[] = []
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0)) await cleanup()
  })

  it.skipIf(!available)(
    'shows pending migrations, applies them once, then shows them applied',
    async () => {
      const project = await createProject(notesProject())
      const target = await setup(project)
      cleanups.push(project.remove, target.cleanup)
      const run = (...args: string[]) => runCli(args, { cwd: project.dir, env: target.env })

      const pending = await run('migrate', '--status')
      expect(pending.stderr).toBe('')
      expect(pending.code).toBe(0)
      expect(pending.stdout.split('\n')[1]).toMatch(/^@test\/notes\s+0001_notes\s+pending$/)
      expect(await target.tables()).not.toContain('test_notes')

      const applied = await run('migrate')
      expect(applied).toMatchObject({ code: 0, stdout: '@test/notes: applied 0001_notes\n' })
      expect(await target.tables()).toContain('test_notes')

      const again = await run('migrate')
      expect(again.code).toBe(0)
      expect(again.stdout).toMatch(
        /^Nothing to migrate: the database \(@backlex\/(sqlite|postgres)\) is up to date\.\n$/,
      )

      const status = await run('migrate', '--status', '--json')
      expect(status.code).toBe(0)
      const [notes] = JSON.parse(status.stdout)
      expect(notes.plugin).toBe('@test/notes')
      expect(notes.migrations).toEqual([
        { name: '0001_notes', executedAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/) },
      ])
    },
  )
})

describe('backlex migrate without migrations', () => {
  it('says so', async () => {
    const project = await createProject({
      'backlex.config.ts':
        "import { defineConfig } from '@backlex/kernel'\nexport default defineConfig({ plugins: [] })\n",
    })
    try {
      expect(await runCli(['migrate', '--status'], { cwd: project.dir })).toEqual({
        code: 0,
        stdout: 'No plugin has migrations.\n',
        stderr: '',
      })
      expect(await runCli(['migrate', '--json'], { cwd: project.dir })).toMatchObject({
        code: 0,
        stdout: '[]\n',
      })
    } finally {
      await project.remove()
    }
  })
})
