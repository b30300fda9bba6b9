// SIGTERM on a real server process: the in-flight request is answered, plugins shut down,
// and the process exits 0. Runs the built package (dist), as users do.
import { stat } from 'node:fs/promises'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { logLine, runNode } from './child-process.js'

const packageDir = fileURLToPath(new URL('..', import.meta.url))

describe('graceful shutdown of a server process', () => {
  it('finishes the in-flight request after SIGTERM (even when repeated), then exits 0', async () => {
    await stat(new URL('../dist/index.js', import.meta.url)).catch(() => {
      throw new Error('@backlex/node is not built: run `pnpm --filter @backlex/node build`')
    })
    const server = runNode(['test/fixtures/slow-server.mjs'], {
      cwd: packageDir,
      env: { ...process.env, PORT: '' },
    })
    const listening = logLine(await server.waitForLine((l) => logLine(l)?.msg === 'listening'))
    const url = String(listening?.url)

    const response = fetch(`${url}/api/slow`)
    await server.waitForLine((l) => logLine(l)?.msg === 'slow started')
    server.child.kill('SIGTERM')
    // What a terminal's Ctrl-C under `pnpm start` looks like: the signal arrives twice.
    server.child.kill('SIGINT')

    const res = await response
    expect(res.status).toBe(200)
    expect(await res.json()).toEqual({ done: true })
    expect(await server.exited).toBe(0)

    const messages = server.lines.map((l) => logLine(l)?.msg)
    expect(messages).toContain('shutting down')
    expect(messages.indexOf('slow finished')).toBeLessThan(
      messages.indexOf('slow plugin shut down'),
    )
  })
})
