// Plugin lifecycle: ordering by requires/provides, and every fail-fast error with its code.
import {
  type BacklexError,
  definePlugin,
  defineRoute,
  defineService,
  isBacklexError,
} from '@backlex/kernel'
import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import { dialects, harness } from './helpers.js'

const A = defineService<{ name: string }>('test.a')
const B = defineService<{ name: string }>('test.b')

const provider = (name: string, token = A, requires: (typeof A)[] = []) =>
  definePlugin({
    name,
    version: '1.0.0',
    requires,
    provides: [token],
    register(ctx) {
      ctx.provide(token, () => ({ name }))
    },
  })

async function bootError(promise: Promise<unknown>): Promise<BacklexError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  )
  if (!isBacklexError(error)) throw new Error(`expected a BacklexError, got ${String(error)}`)
  return error
}

describe.each(dialects.filter((d) => d.available))('lifecycle on $dialect', (dialect) => {
  it('boots providers before consumers whatever the array order, and shuts down in reverse', async () => {
    const h = await harness(dialect)
    const events: string[] = []
    const consumer = definePlugin({
      name: '@test/consumer',
      version: '1.0.0',
      requires: [A],
      boot(ctx) {
        events.push(`boot consumer sees ${ctx.use(A).name}`)
      },
      shutdown() {
        events.push('shutdown consumer')
      },
    })
    const producer = definePlugin({
      name: '@test/producer',
      version: '1.0.0',
      provides: [A],
      register(ctx) {
        ctx.provide(A, () => ({ name: 'producer' }))
      },
      boot() {
        events.push('boot producer')
      },
      shutdown() {
        events.push('shutdown producer')
      },
    })
    const app = h.kernel([consumer(), producer()])
    await app.boot()
    expect(app.plugins().map((p) => p.name)).toEqual([
      h.database.dialect === 'sqlite' ? '@backlex/sqlite' : '@backlex/postgres',
      '@test/producer',
      '@test/consumer',
    ])
    await app.shutdown()
    expect(events).toEqual([
      'boot producer',
      'boot consumer sees producer',
      'shutdown consumer',
      'shutdown producer',
    ])
  })

  it('drains in reverse boot order once, before shutdown, while still serving requests', async () => {
    const h = await harness(dialect)
    const events: string[] = []
    const stage = (name: string, requires: (typeof A)[], provides: (typeof A)[]) =>
      definePlugin({
        name,
        version: '1.0.0',
        requires,
        provides,
        register(ctx) {
          for (const token of provides) ctx.provide(token, () => ({ name }))
        },
        drain() {
          events.push(`drain ${name}`)
          if (name === '@test/first') throw new Error('drain broke')
        },
        shutdown() {
          events.push(`shutdown ${name}`)
        },
      })
    const app = h.kernel([stage('@test/second', [A], [])(), stage('@test/first', [], [A])()])
    await app.boot()
    await Promise.all([app.drain(), app.drain()])
    expect(events).toEqual(['drain @test/second', 'drain @test/first'])
    // Draining ends streams, not the server: requests are still answered.
    expect((await app.fetch(new Request('http://local/health'))).status).toBe(200)
    await app.shutdown()
    expect(events).toEqual([
      'drain @test/second',
      'drain @test/first',
      'shutdown @test/second',
      'shutdown @test/first',
    ])

    // shutdown() alone drains first.
    events.length = 0
    const again = h.kernel([stage('@test/second', [A], [])(), stage('@test/first', [], [A])()])
    await again.boot()
    await again.shutdown()
    expect(events).toEqual([
      'drain @test/second',
      'drain @test/first',
      'shutdown @test/second',
      'shutdown @test/first',
    ])
  })

  it('fails with MISSING_PROVIDER naming the plugin and the service', async () => {
    const h = await harness(dialect)
    const needsB = definePlugin({ name: '@test/needs-b', version: '1.0.0', requires: [B] })
    const error = await bootError(h.kernel([needsB()]).boot())
    expect(error.code).toBe('MISSING_PROVIDER')
    expect(error.message).toContain('@test/needs-b')
    expect(error.message).toContain('test.b')
  })

  it('fails with DUPLICATE_PROVIDER naming both plugins', async () => {
    const h = await harness(dialect)
    const error = await bootError(
      h.kernel([provider('@test/one')(), provider('@test/two')()]).boot(),
    )
    expect(error.code).toBe('DUPLICATE_PROVIDER')
    expect(error.message).toContain('@test/one')
    expect(error.message).toContain('@test/two')
  })

  it('fails with DEPENDENCY_CYCLE showing the whole path', async () => {
    const h = await harness(dialect)
    const C = defineService<{ name: string }>('test.c')
    const error = await bootError(
      h
        .kernel([
          provider('@test/x', A, [B])(),
          provider('@test/y', B, [C])(),
          provider('@test/z', C, [A])(),
        ])
        .boot(),
    )
    expect(error.code).toBe('DEPENDENCY_CYCLE')
    expect(error.message).toContain('@test/x -> @test/y -> @test/z -> @test/x')
  })

  it('fails with DUPLICATE_ROUTE naming both plugins', async () => {
    const h = await harness(dialect)
    const routePlugin = (name: string) =>
      definePlugin({
        name,
        version: '1.0.0',
        register(ctx) {
          ctx.route(defineRoute({ method: 'get', path: '/same', handler: () => ({ ok: true }) }))
        },
      })
    const error = await bootError(
      h.kernel([routePlugin('@test/r1')(), routePlugin('@test/r2')()]).boot(),
    )
    expect(error.code).toBe('DUPLICATE_ROUTE')
    expect(error.message).toContain('@test/r2')
    expect(error.message).toContain('GET /api/same')
  })

  it('fails with INVALID_PLUGIN_OPTIONS naming the plugin and the option', async () => {
    const h = await harness(dialect)
    const configured = definePlugin({
      name: '@test/configured',
      version: '1.0.0',
      options: z.object({ greeting: z.string().min(1) }),
    })
    const error = await bootError(h.kernel([configured({ greeting: '' })]).boot())
    expect(error.code).toBe('INVALID_PLUGIN_OPTIONS')
    expect(error.message).toContain('@test/configured')
    expect(error.message).toContain('greeting')
  })

  it('fails with KERNEL_VERSION_MISMATCH when the range is not met', async () => {
    const h = await harness(dialect)
    const future = definePlugin({ name: '@test/future', version: '1.0.0', kernel: '^9.0.0' })
    const error = await bootError(h.kernel([future()]).boot())
    expect(error.code).toBe('KERNEL_VERSION_MISMATCH')
    expect(error.message).toContain('@test/future')
    expect(error.message).toContain('^9.0.0')
  })

  it('fails with BOOT_TIMEOUT when a boot takes too long, and shuts down what booted', async () => {
    const h = await harness(dialect)
    let stopped = false
    const quick = definePlugin({
      name: '@test/quick',
      version: '1.0.0',
      shutdown() {
        stopped = true
      },
    })
    const slow = definePlugin({
      name: '@test/slow',
      version: '1.0.0',
      boot: () => new Promise<void>(() => {}),
    })
    const app = h.kernel([quick(), slow()], { bootTimeoutMs: 50 })
    const error = await bootError(app.boot())
    expect(error.code).toBe('BOOT_TIMEOUT')
    expect(error.message).toContain('@test/slow')
    expect(app.state).toBe('failed')
    expect(stopped).toBe(true)
  })

  it('fails with MISSING_CAPABILITY when the runtime lacks what a plugin needs', async () => {
    const h = await harness(dialect)
    const fs = definePlugin({ name: '@test/fs', version: '1.0.0', needs: ['filesystem'] })
    const app = h.kernel([fs()], { runtime: { name: 'cloudflare', capabilities: [] } })
    const error = await bootError(app.boot())
    expect(error.code).toBe('MISSING_CAPABILITY')
    expect(error.message).toContain('@test/fs')
  })

  it('refuses use() of a service the plugin did not declare', async () => {
    const h = await harness(dialect)
    const sneaky = definePlugin({
      name: '@test/sneaky',
      version: '1.0.0',
      boot(ctx) {
        ctx.use(A)
      },
    })
    const error = await bootError(h.kernel([provider('@test/a')(), sneaky()]).boot())
    expect(error.code).toBe('SERVICE_NOT_DECLARED')
    expect(error.message).toContain('@test/sneaky')
  })

  it('wraps a plain boot error as BOOT_FAILED naming the plugin', async () => {
    const h = await harness(dialect)
    const broken = definePlugin({
      name: '@test/broken',
      version: '1.0.0',
      boot() {
        throw new Error('disk on fire')
      },
    })
    const error = await bootError(h.kernel([broken()]).boot())
    expect(error.code).toBe('BOOT_FAILED')
    expect(error.message).toContain('@test/broken')
    expect(error.message).toContain('disk on fire')
    expect((error.cause as Error).message).toBe('disk on fire')
  })

  it('refuses a plugin factory listed without calling it, with INVALID_PLUGIN', async () => {
    const h = await harness(dialect)
    const hello = definePlugin({ name: '@test/uncalled', version: '1.0.0' })
    const error = await bootError(h.kernel([hello as never]).boot())
    expect(error.code).toBe('INVALID_PLUGIN')
    expect(error.message).toContain('@test/uncalled')
    expect(error.message).toContain('without calling it')
  })

  it('answers 503 NOT_BOOTED when boot failed or after shutdown', async () => {
    const h = await harness(dialect)
    const broken = definePlugin({
      name: '@test/broken',
      version: '1.0.0',
      boot() {
        throw new Error('nope')
      },
    })
    const failing = h.kernel([broken()])
    const res = await failing.fetch(new Request('http://local/health'))
    expect(res.status).toBe(503)
    expect((await res.json()).errors[0].extensions.code).toBe('NOT_BOOTED')

    const ok = h.kernel([])
    expect((await ok.fetch(new Request('http://local/health'))).status).toBe(200)
    await ok.shutdown()
    expect((await ok.fetch(new Request('http://local/health'))).status).toBe(503)
  })

  it('lets a failed boot be retried (Workers keep isolates alive)', async () => {
    const h = await harness(dialect)
    let attempts = 0
    const flaky = definePlugin({
      name: '@test/flaky',
      version: '1.0.0',
      boot() {
        attempts++
        if (attempts === 1) throw new Error('database not reachable yet')
      },
    })
    const app = h.kernel([flaky()])
    expect((await app.fetch(new Request('http://local/health'))).status).toBe(503)
    expect(app.state).toBe('failed')
    expect((await app.fetch(new Request('http://local/health'))).status).toBe(200)
    expect(app.state).toBe('ready')
    expect(attempts).toBe(2)
  })
})
