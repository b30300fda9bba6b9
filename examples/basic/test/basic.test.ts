// The example as a user runs it: `backlex migrate`, then `backlex start` through the
// example's own `backlex` binary, on both dialects, in a scratch working directory.
import { execFile } from 'node:child_process'
import { mkdtemp, rm, stat } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { appTargets, startApp, stopApp } from '@backlex/test-utils'
import { afterEach, describe, expect, it } from 'vitest'

const exampleDir = fileURLToPath(new URL('..', import.meta.url))
const backlex = join(exampleDir, 'node_modules', '.bin', 'backlex')
const config = join(exampleDir, 'backlex.config.ts')

function baseEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const { PORT: _p, HOST: _h, DATABASE_URL: _d, ...rest } = process.env
  return { ...rest, ...extra }
}

describe.each(appTargets)('examples/basic on $dialect', ({ dialect, available, env }) => {
  const cleanups: (() => Promise<unknown>)[] = []
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
  })

  it.skipIf(!available)('migrates, starts, answers /health and the guestbook', async () => {
    const cwd = await mkdtemp(join(tmpdir(), 'backlex-example-'))
    cleanups.push(() => rm(cwd, { recursive: true, force: true }))
    const target = await env()
    cleanups.push(target.cleanup)
    const processEnv = baseEnv(target.env)

    const migrated = await promisify(execFile)(backlex, ['migrate', '--config', config], {
      cwd,
      env: processEnv,
    })
    expect(migrated.stdout).toBe('@example/guestbook: applied 0001_entries\n')
    if (dialect === 'sqlite') await stat(join(cwd, '.data', 'backlex.sqlite'))

    const server = startApp(backlex, config, cwd, processEnv)
    cleanups.push(() => stopApp(server.child))
    const url = await server.url

    const health = await fetch(`${url}/health`)
    expect(health.status).toBe(200)
    expect(await health.json()).toEqual({ status: 'ok' })

    const signed = await fetch(`${url}/api/guestbook`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: ' Ada ', message: 'Hello from the test' }),
    })
    expect(signed.status).toBe(201)
    expect(await signed.json()).toEqual({
      id: 1,
      name: 'Ada',
      message: 'Hello from the test',
      createdAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
    })

    const rejected = await fetch(`${url}/api/guestbook`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'Bob', message: '' }),
    })
    expect(rejected.status).toBe(400)
    expect(await rejected.json()).toMatchObject({
      errors: [{ extensions: { code: 'VALIDATION_FAILED' } }],
    })

    const listed = await fetch(`${url}/api/guestbook`)
    expect((await listed.json()).data).toEqual([
      expect.objectContaining({ id: 1, name: 'Ada', message: 'Hello from the test' }),
    ])

    expect(await stopApp(server.child)).toBe(0)
  })
})
