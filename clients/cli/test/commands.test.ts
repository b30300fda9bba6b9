// `backlex --help`, `--version`, usage mistakes, `plugins` and `routes`, run as a user runs them.
import { readFile } from 'node:fs/promises'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { notesProject } from './fixtures.js'
import { assertBuilt, createProject, type Project, runCli } from './project.js'

let project: Project
beforeAll(async () => {
  await assertBuilt()
  project = await createProject(notesProject())
})
afterAll(() => project.remove())

const run = (...args: string[]) => runCli(args, { cwd: project.dir })

describe('help and version', () => {
  it('prints the version of the package', async () => {
    const pkg = JSON.parse(await readFile(new URL('../package.json', import.meta.url), 'utf8'))
    expect(await run('--version')).toEqual({ code: 0, stdout: `${pkg.version}\n`, stderr: '' })
  })

  it('lists every command in --help', async () => {
    const { code, stdout } = await run('--help')
    expect(code).toBe(0)
    for (const command of ['dev', 'start', 'migrate', 'plugins', 'routes']) {
      expect(stdout).toMatch(new RegExp(`^  ${command} +\\S`, 'm'))
    }
  })

  it.each([
    ['dev', '--port <port>'],
    ['start', '--host <host>'],
    ['migrate', '--status'],
    ['plugins', '--json'],
    ['routes', '--json'],
  ])('prints the options of %s with --help', async (command, option) => {
    const { code, stdout } = await run(command, '--help')
    expect(code).toBe(0)
    expect(stdout).toContain(`Usage: backlex ${command} [options]`)
    expect(stdout).toContain(option)
    expect(stdout).toContain('--config <path>')
  })

  it('exits 2 with a clear message on an unknown command or option', async () => {
    const unknown = await run('deploy')
    expect(unknown.code).toBe(2)
    expect(unknown.stdout).toBe('')
    expect(unknown.stderr).toBe(
      'backlex: CLI_UNKNOWN_COMMAND: Unknown command "deploy". Run `backlex --help` for the list of commands.\n',
    )
    const option = await run('routes', '--colour')
    expect(option.code).toBe(2)
    expect(option.stderr).toMatch(
      /^backlex: CLI_INVALID_ARGUMENTS: .*'--colour'.*`backlex routes --help`/,
    )
    const stray = await run('plugins', 'extra')
    expect(stray.code).toBe(2)
    expect(stray.stderr).toContain('CLI_INVALID_ARGUMENTS')
  })
})

describe('backlex plugins', () => {
  it('shows the plugin graph in boot order, with the default Database first', async () => {
    const { code, stdout, stderr } = await run('plugins')
    expect(stderr).toBe('')
    expect(code).toBe(0)
    const lines = stdout.split('\n')
    expect(lines[0]).toMatch(/^@backlex\/kernel \d+\.\d+\.\d+, runtime node$/)
    expect(lines[2]).toMatch(/^#\s+PLUGIN\s+VERSION\s+REQUIRES\s+PROVIDES\s+MIGRATIONS$/)
    expect(lines[3]).toMatch(/^1\s+@backlex\/sqlite\s+\d+\.\d+\.\d+\s+-\s+backlex\.database\s+0$/)
    expect(lines[4]).toMatch(/^2\s+@test\/notes\s+1\.2\.3\s+backlex\.database\s+-\s+1$/)
  })

  it('prints the same graph as JSON with --json', async () => {
    const { code, stdout } = await run('plugins', '--json')
    expect(code).toBe(0)
    const plugins = JSON.parse(stdout)
    expect(plugins.map((p: { name: string }) => p.name)).toEqual(['@backlex/sqlite', '@test/notes'])
    expect(plugins[1]).toEqual({
      name: '@test/notes',
      version: '1.2.3',
      kernel: null,
      requires: ['backlex.database'],
      optional: [],
      provides: [],
      migrations: ['0001_notes'],
    })
  })

  it('uses PostgreSQL as the default Database when DATABASE_URL is set', async () => {
    const { env } = process
    const { stdout } = await runCli(['plugins', '--json'], {
      cwd: project.dir,
      env: { ...env, DATABASE_URL: 'postgres://nobody@127.0.0.1:1/none' },
    })
    expect(JSON.parse(stdout)[0].name).toBe('@backlex/postgres')
  })
})

describe('backlex routes', () => {
  it('shows the route table', async () => {
    const { code, stdout } = await run('routes')
    expect(code).toBe(0)
    const rows = stdout
      .trim()
      .split('\n')
      .map((l) => l.split(/\s{2,}/))
    expect(rows[0]).toEqual(['METHOD', 'PATH', 'EFFECT', 'PLUGIN', 'SUMMARY'])
    expect(rows).toContainEqual(['GET', '/health', 'read', '@backlex/kernel', 'Liveness check'])
    expect(rows).toContainEqual(['GET', '/api/greeting', 'read', '@test/notes', 'Says hello'])
    expect(rows).toContainEqual(['POST', '/api/notes', 'write', '@test/notes'])
  })

  it('prints the route table as JSON with --json', async () => {
    const { code, stdout } = await run('routes', '--json')
    expect(code).toBe(0)
    expect(JSON.parse(stdout)).toContainEqual({
      plugin: '@test/notes',
      method: 'GET',
      path: '/api/greeting',
      effect: 'read',
      summary: 'Says hello',
    })
  })

  it('reads the config given with --config from another directory', async () => {
    const { code, stdout } = await runCli(
      ['routes', '--json', '--config', `${project.dir}/backlex.config.ts`],
      {
        cwd: new URL('.', import.meta.url).pathname,
      },
    )
    expect(code).toBe(0)
    expect(JSON.parse(stdout)).toContainEqual(expect.objectContaining({ path: '/api/notes' }))
  })
})
