// serve() over real HTTP on loopback: routes, host defaults, boot and listen errors, close().
import { mkdtemp, rm, stat } from 'node:fs/promises'
import { connect } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { isBacklexError } from '@backlex/kernel'
import { sqlite } from '@backlex/sqlite'
import { silentLogger } from '@backlex/test-utils'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { type NodeServer, type RequestLogEntry, serve } from '../src/index.js'
import { hello, needsMailer } from './plugins.js'
import { blocking, streaming } from './slow-plugin.js'

let dir: string
const servers: NodeServer[] = []

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'backlex-node-'))
})
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()))
  await rm(dir, { recursive: true, force: true })
})

const start = async (...args: Parameters<typeof serve>) => {
  const server = await serve(args[0], { signals: false, port: 0, env: {}, cwd: dir, ...args[1] })
  servers.push(server)
  return server
}

const refusesConnections = (port: number) =>
  new Promise<boolean>((resolve) => {
    const socket = connect(port, '127.0.0.1')
    socket.once('connect', () => {
      socket.destroy()
      resolve(false)
    })
    socket.once('error', () => resolve(true))
  })

describe('serve', () => {
  it('logs each request to requestLog (method, path without query, status, ms), off by default', async () => {
    const entries: RequestLogEntry[] = []
    const server = await start(
      { plugins: [hello()], logger: silentLogger() },
      { hostname: '127.0.0.1', requestLog: (entry) => entries.push(entry) },
    )
    await fetch(`${server.url}/api/hello/ada?token=secret`)
    await fetch(`${server.url}/api/nope`, { method: 'POST' })
    expect(entries.map(({ ms: _ms, ...rest }) => rest)).toEqual([
      { method: 'GET', path: '/api/hello/ada', status: 200 },
      { method: 'POST', path: '/api/nope', status: 404 },
    ])
    expect(entries.every((e) => e.ms >= 0 && e.ms < 60_000)).toBe(true)
  })

  it('answers /health and plugin routes over HTTP', async () => {
    const lines = silentLogger().lines
    const server = await start(
      { plugins: [hello()], logger: silentLogger(lines) },
      { hostname: '127.0.0.1' },
    )
    expect(server.url).toBe(`http://127.0.0.1:${server.port}`)
    expect(server.port).toBeGreaterThan(0)

    const health = await fetch(`${server.url}/health`)
    expect(health.status).toBe(200)
    expect(await health.json()).toEqual({ status: 'ok' })

    const greeting = await fetch(`${server.url}/api/hello/ada`)
    expect(greeting.status).toBe(200)
    expect(await greeting.json()).toEqual({ greeting: 'Hello, ada' })

    const missing = await fetch(`${server.url}/api/nope`)
    expect(missing.status).toBe(404)
    expect(await missing.json()).toMatchObject({
      errors: [{ extensions: { code: 'ROUTE_NOT_FOUND' } }],
    })
    expect(lines).toContainEqual(
      expect.objectContaining({
        message: 'listening',
        fields: expect.objectContaining({ url: server.url }),
      }),
    )
  })

  it('runs on the node runtime with its capabilities', async () => {
    const server = await start({ plugins: [], logger: silentLogger() })
    expect(server.kernel.config.runtime).toMatchObject({
      name: 'node',
      capabilities: [
        'filesystem',
        'process',
        'tcp',
        'fetch',
        'web-crypto',
        'streams',
        'wait-until',
      ],
    })
  })

  it('gives routes the client address of the socket', async () => {
    const server = await start(
      { plugins: [hello()], logger: silentLogger() },
      { hostname: '127.0.0.1' },
    )
    const res = await fetch(`${server.url}/api/client-address`, {
      headers: { 'x-forwarded-for': '203.0.113.9' },
    })
    expect(await res.json()).toEqual({ clientAddress: '127.0.0.1' })
  })

  it('binds loopback in dev, all interfaces otherwise, and HOST when it is set', async () => {
    const dev = await start({ plugins: [], dev: true, logger: silentLogger() })
    expect(dev.hostname).toBe('127.0.0.1')
    const prod = await start({ plugins: [], logger: silentLogger() })
    expect(prod.hostname).toBe('0.0.0.0')
    expect(prod.url).toBe(`http://127.0.0.1:${prod.port}`)
    expect((await fetch(`${prod.url}/health`)).status).toBe(200)
    const fromEnv = await start(
      { plugins: [], logger: silentLogger() },
      { env: { HOST: '127.0.0.1', PORT: '0' } },
    )
    expect(fromEnv.hostname).toBe('127.0.0.1')
  })

  it('keeps the Database plugin a config names instead of adding one', async () => {
    const filename = join(dir, 'mine.sqlite')
    const server = await start({ plugins: [sqlite({ filename })], logger: silentLogger() })
    expect(server.kernel.plugins().map((p) => p.name)).toEqual(['@backlex/sqlite'])
    await stat(filename)
    await expect(stat(join(dir, '.data'))).rejects.toMatchObject({ code: 'ENOENT' })
  })

  it('rejects with the kernel error when a plugin cannot boot, and does not listen', async () => {
    const error = await start({ plugins: [needsMailer()], logger: silentLogger() }).catch(
      (e: unknown) => e,
    )
    expect(isBacklexError(error) && error.code).toBe('MISSING_PROVIDER')
  })

  it('rejects with NODE_ADDRESS_IN_USE when the port is taken, and shuts the kernel down', async () => {
    const first = await start({ plugins: [], logger: silentLogger() }, { hostname: '127.0.0.1' })
    const lines = silentLogger().lines
    const { plugin, shutdowns } = blocking()
    const error = await start(
      { plugins: [plugin], logger: silentLogger(lines) },
      { hostname: '127.0.0.1', port: first.port },
    ).catch((e: unknown) => e)
    expect(isBacklexError(error) && error.code).toBe('NODE_ADDRESS_IN_USE')
    expect(shutdowns()).toBe(1)
  })

  it('rejects an invalid port with NODE_INVALID_PORT before booting', async () => {
    for (const port of ['abc', '70000', '-1', '']) {
      const error = await start(
        { plugins: [], logger: silentLogger() },
        { env: { PORT: port }, port: undefined },
      ).catch((e: unknown) => e)
      expect(isBacklexError(error) && error.code).toBe('NODE_INVALID_PORT')
    }
  })

  it('close() lets an in-flight request finish, refuses new connections, then shuts down', async () => {
    const { plugin, entered, release, shutdowns } = blocking()
    const server = await start(
      { plugins: [plugin], logger: silentLogger() },
      { hostname: '127.0.0.1' },
    )
    const response = fetch(`${server.url}/api/block`)
    await entered()
    const closed = server.close()
    expect(await refusesConnections(server.port)).toBe(true)
    expect(shutdowns()).toBe(0)
    release()
    const res = await response
    expect(res.status).toBe(200)
    expect(await res.json()).toEqual({ released: true })
    await closed
    expect(server.kernel.state).toBe('stopped')
    expect(shutdowns()).toBe(1)
  })

  it('close() cuts off requests still running at the shutdown timeout', async () => {
    const lines = silentLogger().lines
    const { plugin, entered, release } = blocking()
    const server = await start(
      { plugins: [plugin], logger: silentLogger(lines) },
      { hostname: '127.0.0.1', shutdownTimeoutMs: 50 },
    )
    const response = fetch(`${server.url}/api/block`).then(
      () => 'answered',
      () => 'cut off',
    )
    await entered()
    await server.close()
    expect(await response).toBe('cut off')
    expect(server.kernel.state).toBe('stopped')
    expect(lines).toContainEqual(
      expect.objectContaining({ level: 'warn', fields: expect.objectContaining({ aborted: 1 }) }),
    )
    release()
  })

  it('close() has plugins end open streams (drain) instead of waiting for the timeout', async () => {
    const lines = silentLogger().lines
    const { plugin, opened, order } = streaming()
    const server = await start(
      { plugins: [plugin], logger: silentLogger(lines) },
      // Longer than the test's own timeout: only drain can end the stream in time.
      { hostname: '127.0.0.1', shutdownTimeoutMs: 60_000 },
    )
    const response = await fetch(`${server.url}/api/stream`)
    expect(response.status).toBe(200)
    await opened()
    const body = response.text()
    await server.close()
    expect(await body).toBe(': open\n\n')
    expect(order).toEqual(['drain', 'shutdown'])
    expect(lines).not.toContainEqual(
      expect.objectContaining({ fields: expect.objectContaining({ aborted: expect.anything() }) }),
    )
  })
})
