// `backlex start` and `backlex dev` as processes: real HTTP, migrations at boot or not,
// restarts on change, recovery from a broken config, and a clean exit on SIGTERM.
import { createServer } from 'node:net'
import { join } from 'node:path'
import { DatabaseSync } from 'node:sqlite'
import { afterEach, beforeAll, describe, expect, it } from 'vitest'
import { greetingFile, notesProject } from './fixtures.js'
import {
  assertBuilt,
  createProject,
  logLine,
  type Project,
  type RunningCli,
  runCli,
  startCli,
} from './project.js'

const running: RunningCli[] = []
const projects: Project[] = []
beforeAll(assertBuilt)
afterEach(async () => {
  await Promise.all(running.splice(0).map((cli) => cli.stop()))
  for (const project of projects.splice(0)) await project.remove()
})

async function project(files: Record<string, string>) {
  const created = await createProject(files)
  projects.push(created)
  return created
}

function launch(project: Project, ...args: string[]) {
  const cli = startCli(args, { cwd: project.dir })
  running.push(cli)
  return cli
}

function tables(project: Project): string[] {
  const db = new DatabaseSync(join(project.dir, '.data', 'backlex.sqlite'), { readOnly: true })
  try {
    return db
      .prepare("select name from sqlite_master where type = 'table'")
      .all()
      .map((row) => String(row.name))
  } finally {
    db.close()
  }
}

const postNote = (url: string, body: unknown) =>
  fetch(`${url}/api/notes`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  })

const getJson = async (url: string) => {
  const res = await fetch(url)
  return { status: res.status, body: await res.json() }
}

describe('backlex start', () => {
  it('serves without migrating at boot, and exits 0 on SIGTERM', async () => {
    const dir = await project(notesProject())
    const cli = launch(dir, 'start', '--port', '0')
    const url = await cli.listening()
    expect(await getJson(`${url}/health`)).toEqual({ status: 200, body: { status: 'ok' } })
    expect(await getJson(`${url}/api/greeting`)).toEqual({
      status: 200,
      body: { greeting: 'hello' },
    })
    expect(await cli.stop()).toBe(0)
    expect(tables(dir)).not.toContain('test_notes')
    expect(cli.lines.map((l) => logLine(l)?.msg)).toContain('shutting down')
  })

  it('migrates at boot when the config sets migrateOnBoot', async () => {
    const dir = await project(notesProject({ migrateOnBoot: true }))
    const cli = launch(dir, 'start', '--port', '0')
    const url = await cli.listening()
    expect((await postNote(url, { id: 1, text: 'one' })).status).toBe(201)
    expect(await getJson(`${url}/api/notes`)).toEqual({
      status: 200,
      body: { notes: [{ id: 1, text: 'one' }] },
    })
    expect(await cli.stop()).toBe(0)
  })

  it('serves what `backlex migrate` prepared', async () => {
    const dir = await project(notesProject())
    expect((await runCli(['migrate'], { cwd: dir.dir })).code).toBe(0)
    const cli = launch(dir, 'start', '--port', '0')
    const url = await cli.listening()
    expect((await postNote(url, { id: 7, text: 'seven' })).status).toBe(201)
    const bad = await postNote(url, { id: 8 })
    expect(bad.status).toBe(400)
    expect(await bad.json()).toMatchObject({
      errors: [{ extensions: { code: 'VALIDATION_FAILED' } }],
    })
    expect((await getJson(`${url}/api/notes`)).body).toEqual({ notes: [{ id: 7, text: 'seven' }] })
  })

  it('exits 1 with NODE_ADDRESS_IN_USE when the port is taken', async () => {
    const blocker = createServer()
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve))
    const address = blocker.address()
    const port = typeof address === 'object' && address ? address.port : 0
    try {
      const dir = await project(notesProject())
      const { code, stderr } = await runCli(
        ['start', '--port', String(port), '--host', '127.0.0.1'],
        { cwd: dir.dir },
      )
      expect(code).toBe(1)
      expect(stderr).toMatch(/^backlex: NODE_ADDRESS_IN_USE: .* --port/m)
    } finally {
      blocker.close()
    }
  })

  it('exits 1 with NODE_INVALID_PORT for a bad --port', async () => {
    const dir = await project(notesProject())
    const { code, stderr } = await runCli(['start', '--port', 'http'], { cwd: dir.dir })
    expect(code).toBe(1)
    expect(stderr).toMatch(/^backlex: NODE_INVALID_PORT: "http" is not a valid port/)
  })
})

describe('backlex dev', () => {
  // Three restarts under `node --watch`: give a loaded CI machine room (no time is asserted).
  it('migrates at boot, restarts on changes, survives a broken config, exits 0', {
    timeout: 90_000,
  }, async () => {
    const dir = await project(notesProject({ greeting: 'one' }))
    const cli = launch(dir, 'dev', '--port', '0')
    let url = await cli.listening(0)
    expect(new URL(url).hostname).toBe('127.0.0.1')
    expect((await postNote(url, { id: 1, text: 'migrated at boot' })).status).toBe(201)
    expect((await getJson(`${url}/api/greeting`)).body).toEqual({ greeting: 'one' })

    // A file the config imports changes: the server restarts with it.
    await dir.write('greeting.ts', greetingFile('two'))
    url = await cli.listening(1)
    expect((await getJson(`${url}/api/greeting`)).body).toEqual({ greeting: 'two' })
    expect((await getJson(`${url}/api/notes`)).body).toEqual({
      notes: [{ id: 1, text: 'migrated at boot' }],
    })

    // The config breaks: the error is reported and dev waits for the next change.
    const config = notesProject()['backlex.config.ts'] ?? ''
    await dir.write('backlex.config.ts', "throw new Error('half-written config')\n")
    await cli.waitForLine((l) => l.startsWith('backlex: CLI_CONFIG_LOAD_FAILED'))
    expect(cli.child.exitCode).toBeNull()

    // Fixed again: it serves again.
    await dir.write('backlex.config.ts', config)
    url = await cli.listening(2)
    expect((await getJson(`${url}/api/greeting`)).body).toEqual({ greeting: 'two' })

    expect(await cli.stop()).toBe(0)
    await expect(fetch(`${url}/health`)).rejects.toThrow()
  })
})
