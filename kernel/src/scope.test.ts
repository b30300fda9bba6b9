// Scoped services and kernel-managed instances: every place plugin code runs reaches only
// what its plugin declared, typed by the declaration; provided instances start in dependency
// order and stop in reverse; typed events carry their payload type.
import { Hono } from 'hono'
import { describe, expect, expectTypeOf, it } from 'vitest'
import { z } from 'zod'
import type { BacklexEnv } from './context.js'
import { Clock, type ClockAdapter } from './contracts/clock.js'
import type { LoggerAdapter } from './contracts/logger.js'
import { isBacklexError } from './errors.js'
import { defineEvent, eventRef } from './events.js'
import { defineRoute } from './http/route.js'
import { createBacklex } from './kernel.js'
import { definePlugin } from './plugin.js'
import type { Scope } from './plugin-api.js'
import { anonymousPrincipal } from './principal.js'
import { defineService, serviceRef } from './services.js'
import { defineTool } from './tools.js'

interface Greeter {
  greet(name: string): string
}
interface Mailer {
  send(to: string): void
}
const Greeter = defineService<Greeter>('test.greeter')
const Mailer = defineService<Mailer>('test.mailer')
const Secret = defineService<{ value: string }>('test.secret')

const quiet: LoggerAdapter = {
  debug() {},
  info() {},
  warn() {},
  error() {},
  child: () => quiet,
}

const greeter = definePlugin({
  name: '@test/greeter',
  version: '1.0.0',
  provides: [Greeter],
  register(ctx) {
    ctx.provide(Greeter, () => ({ greet: (name: string) => `hi ${name}` }))
  },
})
const secret = definePlugin({
  name: '@test/secret',
  version: '1.0.0',
  provides: [Secret],
  register(ctx) {
    ctx.provide(Secret, () => ({ value: 'hunter2' }))
  },
})

async function errorOf(work: () => unknown): Promise<{ code: string; message: string }> {
  try {
    await work()
  } catch (error) {
    if (isBacklexError(error)) return { code: error.code, message: error.message }
    throw error
  }
  throw new Error('expected an error')
}

const get = (app: { fetch(r: Request): Promise<Response> }, path: string) =>
  app.fetch(new Request(`http://local${path}`))

describe('scoped use(token)', () => {
  it('gives routes, sub-apps, tools and hooks their own plugin scope', async () => {
    const seen: string[] = []
    const Ping = defineEvent<{ n: number }>('test.ping')
    const sub = new Hono<BacklexEnv>().get('/', (c) =>
      c.json({ text: c.get('backlex').use(Greeter).greet('sub') }),
    )
    const consumer = definePlugin({
      name: '@test/consumer',
      version: '1.0.0',
      requires: [Greeter],
      optional: [Mailer],
      register(ctx) {
        ctx.route(
          defineRoute({
            method: 'get',
            path: '/greet',
            handler: ({ ctx: request }) => ({
              text: request.use(Greeter).greet('route'),
              plugin: request.plugin,
              mailer: request.use(Mailer) === undefined ? 'absent' : 'present',
            }),
          }),
        )
        ctx.routes('/sub', sub)
        ctx.tool(
          defineTool({
            name: 'test.greet',
            description: 'greets',
            input: z.object({}),
            annotation: 'read',
            handler: (tool) => tool.use(Greeter).greet('tool'),
          }),
        )
        ctx.on.action(Ping, (payload, hook) => {
          expectTypeOf(payload).toEqualTypeOf<{ n: number }>()
          seen.push(`${hook.plugin} ${hook.use(Greeter).greet(String(payload.n))}`)
        })
      },
    })
    const app = createBacklex({ logger: quiet, plugins: [consumer(), greeter()] })
    await app.boot()
    expect(await (await get(app, '/api/greet')).json()).toEqual({
      text: 'hi route',
      plugin: '@test/consumer',
      mailer: 'absent',
    })
    expect(await (await get(app, '/api/sub')).json()).toEqual({ text: 'hi sub' })
    const caller = { principal: anonymousPrincipal, workspace: 'main' }
    expect(await app.tools.call('test.greet', {}, caller)).toBe('hi tool')
    app.events.emit(Ping, { n: 1 }, caller)
    // A bare name reaches the same hooks as the definition.
    app.events.emit('test.ping', { n: 2 }, caller)
    await app.events.settled()
    expect(seen).toEqual(['@test/consumer hi 1', '@test/consumer hi 2'])
    await app.shutdown()
  })

  it('refuses an undeclared token with SERVICE_NOT_DECLARED naming plugin and token, on every surface', async () => {
    const Ping = defineEvent<null>('test.sneaky')
    const sneaky = definePlugin({
      name: '@test/sneaky',
      version: '1.0.0',
      requires: [Greeter],
      register(ctx) {
        ctx.route(
          defineRoute({
            method: 'get',
            path: '/peek',
            // Route files typed without the plugin's deps compile; the kernel still refuses.
            handler: ({ ctx: request }) => request.use(Secret),
          }),
        )
        ctx.tool(
          defineTool({
            name: 'test.peek',
            description: 'peeks',
            input: z.object({}),
            annotation: 'read',
            handler: (tool) => tool.use(Secret),
          }),
        )
        ctx.on.filter(Ping, (_payload, hook) => {
          hook.use(Secret)
          return null
        })
      },
    })
    const app = createBacklex({ logger: quiet, plugins: [sneaky(), greeter(), secret()] })
    await app.boot()
    const res = await get(app, '/api/peek')
    expect(res.status).toBe(500)
    // The envelope hides internal errors from clients; the tool and hook paths show the code.
    const caller = { principal: anonymousPrincipal, workspace: 'main' }
    const fromTool = await errorOf(() => app.tools.call('test.peek', {}, caller))
    expect(fromTool.code).toBe('SERVICE_NOT_DECLARED')
    expect(fromTool.message).toContain('@test/sneaky')
    expect(fromTool.message).toContain('test.secret')
    const fromHook = await errorOf(() => app.events.filter(Ping, null, caller))
    expect(fromHook.code).toBe('SERVICE_NOT_DECLARED')
    await app.shutdown()
  })

  it('refuses use() inside register() with SERVICE_NOT_READY; closures made there may use it later', async () => {
    let later: (() => string) | undefined
    const eager = definePlugin({
      name: '@test/eager',
      version: '1.0.0',
      requires: [Greeter],
      register(ctx) {
        later = () => ctx.use(Greeter).greet('later')
        ctx.use(Greeter)
      },
    })
    const app = createBacklex({ logger: quiet, plugins: [eager(), greeter()] })
    const error = await errorOf(() => app.boot())
    expect(error.code).toBe('SERVICE_NOT_READY')

    const patient = definePlugin({
      name: '@test/patient',
      version: '1.0.0',
      requires: [Greeter],
      register(ctx) {
        later = () => ctx.use(Greeter).greet('later')
      },
    })
    const ok = createBacklex({ logger: quiet, plugins: [patient(), greeter()] })
    await ok.boot()
    expect(later?.()).toBe('hi later')
    await ok.shutdown()
  })

  it('types use() by the declaration: required present, optional possibly absent', () => {
    // A helper written against a plain scope accepts a plugin's typed one.
    const greetWith = (scope: Scope) => scope.use(Greeter).greet('helper')
    const needsGreeter = (scope: Scope<{ requires: [typeof Greeter] }>) => scope.use(Greeter)
    definePlugin({
      name: '@test/typed',
      version: '1.0.0',
      requires: [Greeter, Clock],
      optional: [Mailer],
      boot(ctx) {
        expectTypeOf(ctx.use(Greeter)).toEqualTypeOf<Greeter>()
        expectTypeOf(ctx.use(Clock)).toEqualTypeOf<ClockAdapter>()
        expectTypeOf(ctx.use(Mailer)).toEqualTypeOf<Mailer | undefined>()
        expectTypeOf(greetWith(ctx)).toEqualTypeOf<string>()
        expectTypeOf(needsGreeter(ctx)).toEqualTypeOf<Greeter>()
      },
    })
  })

  it('serviceRef and eventRef name the same service and event as the definitions', async () => {
    const MailerRef = serviceRef<typeof Mailer>('test.mailer')
    const Sent = defineEvent<{ to: string }>('test.sent')
    const SentRef = eventRef<typeof Sent>('test.sent')
    expect(MailerRef).toEqual(Mailer)
    expect(SentRef).toEqual(Sent)
    const sent: string[] = []
    const mailer = definePlugin({
      name: '@test/mailer',
      version: '1.0.0',
      provides: [Mailer],
      register(ctx) {
        ctx.provide(Mailer, () => ({ send: (to: string) => void sent.push(to) }))
      },
    })
    const user = definePlugin({
      name: '@test/user',
      version: '1.0.0',
      optional: [MailerRef],
      register(ctx) {
        ctx.on.action(SentRef, (payload, hook) => hook.use(MailerRef)?.send(payload.to))
      },
    })
    const app = createBacklex({ logger: quiet, plugins: [user(), mailer()] })
    await app.boot()
    app.events.emit(Sent, { to: 'ada' }, { principal: anonymousPrincipal, workspace: 'main' })
    await app.events.settled()
    expect(sent).toEqual(['ada'])
    await app.shutdown()
  })
})

describe('kernel-managed instances', () => {
  it('makes one instance per kernel, starts providers first and stops in reverse after shutdown hooks', async () => {
    const steps: string[] = []
    let made = 0
    interface Pool {
      id: number
      open: boolean
    }
    const Pool = defineService<Pool>('test.pool')
    const pool = definePlugin({
      name: '@test/pool',
      version: '1.0.0',
      provides: [Pool],
      register(ctx) {
        ctx.provide(Pool, () => ({ id: ++made, open: false }), {
          start: (instance) => {
            instance.open = true
            steps.push(`start pool ${instance.id}`)
          },
          drain: (instance) => void steps.push(`drain pool ${instance.id}`),
          stop: (instance) => {
            instance.open = false
            steps.push(`stop pool ${instance.id}`)
          },
        })
      },
      shutdown: () => void steps.push('shutdown hook pool'),
    })
    const user = definePlugin({
      name: '@test/user',
      version: '1.0.0',
      requires: [Pool],
      provides: [Greeter],
      register(ctx) {
        ctx.provide(
          Greeter,
          (boot) => {
            const used = boot.use(Pool)
            return { greet: () => `pool ${used.id} open ${used.open}` }
          },
          {
            start: () => void steps.push('start greeter'),
            stop: () => void steps.push('stop greeter'),
          },
        )
      },
      boot: (ctx) => void steps.push(`boot user: ${ctx.use(Greeter).greet('x')}`),
    })
    // Listed consumer first: the order comes from requires/provides.
    const one = createBacklex({ logger: quiet, plugins: [user(), pool()] })
    const two = createBacklex({ logger: quiet, plugins: [user(), pool()] })
    await one.boot()
    await two.boot()
    expect(one.get(Pool)).not.toBe(two.get(Pool))
    expect(one.get(Pool)).toBe(one.get(Pool))
    await one.shutdown()
    expect(steps).toEqual([
      'start pool 1',
      'start greeter',
      'boot user: pool 1 open true',
      'start pool 2',
      'start greeter',
      'boot user: pool 2 open true',
      'drain pool 1',
      'stop greeter',
      'shutdown hook pool',
      'stop pool 1',
    ])
    await two.shutdown()
  })

  it('stops what a failed boot started, and the rest keeps stopping when one stop throws', async () => {
    const steps: string[] = []
    const pool = definePlugin({
      name: '@test/pool',
      version: '1.0.0',
      provides: [Greeter, Mailer],
      register(ctx) {
        ctx.provide(Greeter, () => ({ greet: () => 'hi' }), {
          stop: () => void steps.push('stop greeter'),
        })
        ctx.provide(Mailer, () => ({ send() {} }), {
          stop: () => {
            throw new Error('mailer stuck')
          },
        })
      },
      boot() {
        throw new Error('no luck')
      },
    })
    const app = createBacklex({ logger: quiet, plugins: [pool()] })
    const error = await errorOf(() => app.boot())
    expect(error.code).toBe('BOOT_FAILED')
    expect(steps).toEqual(['stop greeter'])
  })
})
