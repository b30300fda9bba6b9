// @acme/hello on Node against real databases: SQLite and PostgreSQL.
import {
  anonymousPrincipal,
  type Backlex,
  createBacklex,
  Database,
  defineConfig,
  definePlugin,
  isBacklexError,
} from '@backlex/kernel'
import { dialects, silentLogger, type TestDatabase } from '@backlex/test-utils'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { GREETINGS_TABLE, Greeter, GreetingCreate, hello } from '../src/index.js'

type ErrorBody = { errors: { message: string; extensions: { code: string } }[] }

const post = (app: Backlex, body: unknown) =>
  app.fetch(
    new Request('http://local/api/hello/greetings', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    }),
  )

describe.each(dialects.filter((d) => d.available))('@acme/hello on $dialect', ({ create }) => {
  let database: TestDatabase
  let app: Backlex
  let logger: ReturnType<typeof silentLogger>

  const start = async (...plugins: Parameters<typeof defineConfig>[0]['plugins']) => {
    logger = silentLogger()
    app = createBacklex(
      defineConfig({ plugins: [database.plugin(), ...plugins], dev: true, logger }),
    )
    await app.boot()
  }
  const rows = () => app.get(Database).db.selectFrom(GREETINGS_TABLE).selectAll().execute()

  beforeEach(async () => {
    database = await create()
  })
  afterEach(async () => {
    await app?.shutdown()
    await database.cleanup()
  })

  it('greets by name over HTTP', async () => {
    await start(hello())
    const res = await app.fetch(new Request('http://local/api/hello/Ada'))
    expect(res.status).toBe(200)
    expect(await res.json()).toEqual({ greeting: 'Hello, Ada!' })
  })

  it('stores a trimmed greeting, then announces it in an action hook', async () => {
    await start(hello({ greeting: 'Hi' }))
    const res = await post(app, { name: '  Ada  ' })
    expect(res.status).toBe(201)
    const created = (await res.json()) as { id: string }
    expect(created).toMatchObject({
      workspace: 'main',
      name: 'Ada',
      message: 'Hi, Ada!',
      announcedAt: null,
    })
    expect(await rows()).toMatchObject([{ id: created.id, name: 'Ada', message: 'Hi, Ada!' }])

    await app.events.settled()
    const read = await app.fetch(new Request(`http://local/api/hello/greetings/${created.id}`))
    expect(read.status).toBe(200)
    const stored = (await read.json()) as { announcedAt: string | null }
    expect(stored.announcedAt).toMatch(/^\d{4}-\d\d-\d\dT.*Z$/)
    expect(logger.lines.map((l) => l.message)).toContain('greeting announced')
  })

  it.each<[string, unknown]>([
    ['an empty name', { name: '' }],
    ['a blank name', { name: '   ' }],
    ['a name over 64 characters', { name: 'a'.repeat(65) }],
    ['a number for a name', { name: 42 }],
    ['no body', undefined],
  ])('rejects %s with 400 VALIDATION_FAILED and stores nothing', async (_, body) => {
    await start(hello())
    const res = await post(app, body)
    expect(res.status).toBe(400)
    expect(((await res.json()) as ErrorBody).errors[0]?.extensions.code).toBe('VALIDATION_FAILED')
    expect(await rows()).toEqual([])
  })

  it('rejects a banned word in the filter hook with 400 HELLO_BANNED_WORD and stores nothing', async () => {
    await start(hello({ bannedWords: ['spam'] }))
    const res = await post(app, { name: 'Ada', message: 'Buy SPAM now' })
    expect(res.status).toBe(400)
    expect(await res.json()).toEqual({
      errors: [
        {
          message: 'Greetings may not contain "spam".',
          extensions: { code: 'HELLO_BANNED_WORD', word: 'spam' },
        },
      ],
    })
    // Whole words only: "spammer" is someone's name, not the banned word.
    expect((await post(app, { name: 'Spammer' })).status).toBe(201)
    await app.events.settled()
    expect((await rows()).map((r) => r.name)).toEqual(['Spammer'])
  })

  it('lets another plugin change greetings through the same filter event', async () => {
    const shout = definePlugin({
      name: '@acme/shout',
      version: '1.0.0',
      register(ctx) {
        ctx.on.filter(GreetingCreate, (draft) => ({
          ...draft,
          name: draft.name.toUpperCase(),
        }))
      },
    })
    await start(hello(), shout())
    const res = await post(app, { name: 'ada' })
    expect(await res.json()).toMatchObject({ name: 'ADA', message: 'Hello, ADA!' })
  })

  it('answers 404 HELLO_GREETING_NOT_FOUND for an unknown greeting', async () => {
    await start(hello())
    const res = await app.fetch(new Request('http://local/api/hello/greetings/nope'))
    expect(res.status).toBe(404)
    expect(((await res.json()) as ErrorBody).errors[0]?.extensions.code).toBe(
      'HELLO_GREETING_NOT_FOUND',
    )
  })

  it('greets through the hello.greet tool, and validates its input', async () => {
    await start(hello())
    const caller = { principal: anonymousPrincipal, workspace: 'main' }
    expect(await app.tools.call('hello.greet', { name: 'Ada' }, caller)).toEqual({
      greeting: 'Hello, Ada!',
    })
    const tool = app.tools.list().find((t) => t.name === 'hello.greet')
    expect(tool).toMatchObject({ annotation: 'read', plugin: '@acme/hello' })
    let code = 'no error'
    try {
      await app.tools.call('hello.greet', { name: '' }, caller)
    } catch (error) {
      code = isBacklexError(error) ? error.code : String(error)
    }
    expect(code).toBe('VALIDATION_FAILED')
  })

  it('sweeps greetings past the retention from a timer that stops at shutdown', async () => {
    await start(hello({ retention: { maxAgeMs: 60_000, everyMs: 20 } }))
    const greeter = app.get(Greeter)
    const meta = { workspace: 'main', principal: anonymousPrincipal }
    const old = await greeter.create({ name: 'Old' }, meta)
    await greeter.create({ name: 'New' }, meta)
    await app
      .get(Database)
      .db.updateTable(GREETINGS_TABLE)
      .set({ created_at: '2000-01-01T00:00:00.000Z' })
      .where('id', '=', old.id)
      .execute()
    await expect.poll(async () => (await rows()).map((r) => r.name)).toEqual(['New'])
    expect(logger.lines).toContainEqual(
      expect.objectContaining({
        message: 'greetings swept',
        fields: expect.objectContaining({ count: 1 }),
      }),
    )
    // Stopped with the app: no tick runs against the closed database afterwards.
    await app.shutdown()
    const linesAtShutdown = logger.lines.length
    await new Promise((resolve) => setTimeout(resolve, 100))
    expect(logger.lines.slice(linesAtShutdown)).toEqual([])
  })

  it('provides the Greeter service to other code', async () => {
    await start(hello({ greeting: 'Howdy' }))
    const greeter = app.get(Greeter)
    expect(greeter.greet('Ada')).toBe('Howdy, Ada!')
    const stored = await greeter.create(
      { name: 'Grace' },
      { workspace: 'main', principal: anonymousPrincipal },
    )
    expect(await greeter.find(stored.id, 'main')).toMatchObject({ name: 'Grace' })
    expect(await greeter.find(stored.id, 'other')).toBeUndefined()
  })
})
