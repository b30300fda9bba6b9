// `backlex start` and `backlex dev` as processes: real HTTP, migrations at boot or not,
// restarts on change, recovery from a broken config, and a clean exit on SIGTERM.
import { spawn } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { createServer } from 'node:net'
import { join } from 'node:path'
import { DatabaseSync } from 'node:sqlite'
import { afterEach, beforeAll, describe, expect, it } from 'vitest'
import { greetingFile, notesProject } from './fixtures.js'
import {
  assertBuilt,
  cliEnv,
  cliPath,
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
    // Production output is the logs: no request lines, no banner when stdout is not a terminal,
    // and no npm warning from a plain `node`.
    expect(cli.lines.filter((l) => /^GET \//.test(l) || l.startsWith('backlex '))).toEqual([])
  })

  // npm runs a command as `npm` (its process title) -> `sh -c` -> the command, with these
  // variables set (checked with npm 11). The parent here is a node process named `npm`.
  const npmVariables = {
    npm_config_user_agent: 'npm/11.19.1 node/v24.22.3 linux x64 workspaces/false',
    npm_lifecycle_event: 'npx',
  }
  const npmLike = (cwd: string, args: string[]) =>
    new Promise<{ code: number | null; stderr: string }>((resolve, reject) => {
      const script = `const r = require('node:child_process').spawnSync('sh', ['-c', '"$0" "$@"', ...process.argv.slice(1)], { stdio: 'inherit' }); process.exit(r.status ?? 1)`
      const child = spawn(process.execPath, ['-e', script, process.execPath, cliPath, ...args], {
        argv0: 'npm',
        cwd,
        env: cliEnv(npmVariables),
        stdio: ['ignore', 'ignore', 'pipe'],
      })
      let stderr = ''
      child.stderr.on('data', (chunk: Buffer) => {
        stderr += chunk
      })
      child.once('error', reject)
      child.once('close', (code) => resolve({ code, stderr }))
    })

  it.runIf(process.platform === 'linux')(
    'warns on stderr when started through npm, which does not pass SIGTERM on',
    async () => {
      // A taken port ends the start right after the warning.
      const blocker = createServer()
      await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve))
      const address = blocker.address()
      const port = typeof address === 'object' && address ? address.port : 0
      try {
        const dir = await project(notesProject())
        const { code, stderr } = await npmLike(dir.dir, [
          'start',
          '--port',
          String(port),
          '--host',
          '127.0.0.1',
        ])
        expect(code).toBe(1)
        const warning = stderr.split('\n').find((l) => l.startsWith('backlex: warning:'))
        expect(warning).toContain('started through npm, which does not pass SIGTERM on')
        expect(warning).toContain('`./node_modules/.bin/backlex start`')
      } finally {
        blocker.close()
      }
    },
  )

  it('does not warn when it only inherited npm’s variables (a test runner under npm)', async () => {
    const dir = await project(notesProject())
    const cli = startCli(['start', '--port', '0'], { cwd: dir.dir, env: cliEnv(npmVariables) })
    running.push(cli)
    await cli.listening()
    expect(await cli.stop()).toBe(0)
    expect(cli.lines.filter((l) => l.startsWith('backlex: warning:'))).toEqual([])
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
    // The dev console: a line per migration applied, then the banner from the route table.
    await cli.waitForLine((l) => l === `  @test/notes  ${url}/api`)
    const banner = cli.lines.indexOf(`backlex dev: listening on ${url}`)
    expect(cli.lines.indexOf('migrated @test/notes 0001_notes')).toBeGreaterThanOrEqual(0)
    expect(cli.lines.indexOf('migrated @test/notes 0001_notes')).toBeLessThan(banner)
    expect(cli.lines.slice(banner + 1, banner + 5)).toEqual([
      `  API          ${url}/api`,
      `  OpenAPI      ${url}/api/openapi`,
      `  Health       ${url}/health`,
      `  @test/notes  ${url}/api`,
    ])
    expect((await postNote(url, { id: 1, text: 'migrated at boot' })).status).toBe(201)
    // ... and a line per request: method, path (no query), status, milliseconds.
    await getJson(`${url}/api/notes?token=secret`)
    await cli.waitForLine((l) => /^GET \/api\/notes 200 \d+ms$/.test(l))
    expect(cli.lines).toContainEqual(expect.stringMatching(/^POST \/api\/notes 201 \d+ms$/))
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

  /** The child processes of `pid` (Linux). */
  const childrenOf = (pid: number) => {
    try {
      return readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/)
    } catch {
      return []
    }
  }

  // A busy machine can run the server process ahead of the supervisor: the server loads a file
  // and answers before the supervisor has read its report and watched the file. Freezing the
  // supervisor (SIGSTOP) makes that order certain. Linux only (/proc).
  it.runIf(process.platform === 'linux')(
    'restarts on a save made before the supervisor watched the file, and on one made while it restarts',
    { timeout: 90_000 },
    async () => {
      const dir = await project(notesProject({ greeting: 'one' }))
      const cli = launch(dir, 'dev', '--port', '0')
      const supervisor = cli.child.pid ?? 0
      while (childrenOf(supervisor).filter(Boolean).length === 0) {
        if (cli.child.exitCode !== null) throw new Error(cli.lines.join('\n'))
        await new Promise((resolve) => setTimeout(resolve, 2))
      }
      process.kill(supervisor, 'SIGSTOP')
      try {
        const url = await cli.listening(0)
        expect((await getJson(`${url}/api/greeting`)).body).toEqual({ greeting: 'one' })
        await dir.write('greeting.ts', greetingFile('two'))
      } finally {
        process.kill(supervisor, 'SIGCONT')
      }
      let url = await cli.listening(1)
      expect((await getJson(`${url}/api/greeting`)).body).toEqual({ greeting: 'two' })

      // A save while the server restarts: the server that comes up serves it, after one more
      // restart at most.
      const from = cli.lines.length
      await dir.write('greeting.ts', greetingFile('three'))
      await cli.waitForLine((l) => l.includes('changed, restarting'), from)
      await dir.write('greeting.ts', greetingFile('four'))
      const greetingAt = (at: string) =>
        getJson(`${at}/api/greeting`).then(
          (answer) => answer.body.greeting,
          () => undefined, // already restarting again
        )
      url = await cli.listening(2)
      if ((await greetingAt(url)) !== 'four') url = await cli.listening(3)
      expect((await getJson(`${url}/api/greeting`)).body).toEqual({ greeting: 'four' })
      expect(await cli.stop()).toBe(0)
    },
  )
})
