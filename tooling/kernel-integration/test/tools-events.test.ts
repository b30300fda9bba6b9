// Tools run under the caller's principal; filter hooks change or reject, action hooks never block.
import {
  anonymousPrincipal,
  BacklexError,
  Database,
  definePlugin,
  defineRoute,
  defineTool,
  type Principal,
} from '@backlex/kernel'
import { silentLogger } from '@backlex/test-utils'
import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import { dialects, harness } from './helpers.js'

const admin: Principal = { type: 'user', id: 'a', userId: 'a', roles: ['admin'], admin: true }
const user: Principal = {
  type: 'user',
  id: 'u',
  userId: 'u',
  roles: ['authenticated'],
  admin: false,
}

const todos = definePlugin({
  name: '@test/todos',
  version: '1.0.0',
  requires: [Database],
  migrations: {
    '0001': {
      async up(db) {
        await db.schema
          .createTable('test_todos')
          .addColumn('id', 'integer', (c) => c.primaryKey())
          .addColumn('title', 'text', (c) => c.notNull())
          .addColumn('owner', 'text')
          .execute()
      },
    },
  },
  register(ctx) {
    ctx.tool(
      defineTool({
        name: 'todos.create',
        description: 'Creates a todo owned by the caller and returns it.',
        input: z.object({ id: z.number().int(), title: z.string().min(1) }),
        annotation: 'write',
        async handler(tool, input) {
          const db = tool.use(Database).db
          const payload = await tool.kernel.events.filter('todos.create', input, tool)
          const row = { ...payload, owner: tool.principal.id }
          await db.insertInto('test_todos').values(row).execute()
          tool.kernel.events.emit('todos.created', row, tool)
          return row
        },
      }),
    )
    ctx.tool(
      defineTool({
        name: 'todos.purge',
        description: 'Deletes every todo.',
        input: z.object({}),
        annotation: 'admin',
        async handler(tool) {
          await tool.use(Database).db.deleteFrom('test_todos').execute()
          return { purged: true }
        },
      }),
    )
    ctx.route(
      defineRoute({
        method: 'post',
        path: '/todos',
        body: z.object({ id: z.number().int(), title: z.string() }),
        handler: ({ body, ctx: request }) =>
          request.kernel.tools.call('todos.create', body, request),
      }),
    )
  },
})

const policy = definePlugin({
  name: '@test/policy',
  version: '1.0.0',
  register(ctx) {
    ctx.on.filter<{ id: number; title: string }>('todos.create', (todo) => {
      if (todo.title.includes('forbidden')) {
        throw new BacklexError('TODO_REJECTED', 400, 'This title is not allowed.')
      }
      return { ...todo, title: todo.title.trim() }
    })
    ctx.on.filter<{ id: number; title: string }>('todos.create', (todo) => ({
      ...todo,
      title: todo.title.toUpperCase(),
    }))
  },
})

describe.each(dialects.filter((d) => d.available))('tools and events on $dialect', (dialect) => {
  it('lists tools with JSON Schema inputs and annotations', async () => {
    const h = await harness(dialect)
    const app = h.kernel([todos()], { dev: true })
    await app.boot()
    const list = app.tools.list()
    expect(list.map((t) => [t.name, t.annotation, t.plugin])).toEqual([
      ['todos.create', 'write', '@test/todos'],
      ['todos.purge', 'admin', '@test/todos'],
    ])
    expect(list[0]?.inputSchema).toMatchObject({
      type: 'object',
      required: ['id', 'title'],
      properties: { title: { type: 'string', minLength: 1 } },
    })
  })

  it('runs a tool as the caller, with filter hooks changing and rejecting the payload', async () => {
    const h = await harness(dialect)
    const app = h.kernel([todos(), policy()], { dev: true })
    await app.boot()
    const created = await app.tools.call(
      'todos.create',
      { id: 1, title: '  milk ' },
      {
        principal: user,
        workspace: 'main',
      },
    )
    expect(created).toEqual({ id: 1, title: 'MILK', owner: 'u' })

    const rejected = await app.tools
      .call(
        'todos.create',
        { id: 2, title: 'forbidden fruit' },
        { principal: user, workspace: 'main' },
      )
      .catch((e: BacklexError) => e)
    expect((rejected as BacklexError).code).toBe('TODO_REJECTED')

    const invalid = await app.tools
      .call('todos.create', { id: 'x' }, { principal: user, workspace: 'main' })
      .catch((e: BacklexError) => e)
    expect((invalid as BacklexError).code).toBe('VALIDATION_FAILED')

    const rows = await app.get(Database).db.selectFrom('test_todos').selectAll().execute()
    expect(rows).toEqual([{ id: 1, title: 'MILK', owner: 'u' }])
  })

  it('refuses admin tools to non-admins and unknown tools', async () => {
    const h = await harness(dialect)
    const app = h.kernel([todos()], { dev: true })
    await app.boot()
    const caller = { principal: anonymousPrincipal, workspace: 'main' }
    await expect(app.tools.call('todos.purge', {}, caller)).rejects.toMatchObject({
      code: 'FORBIDDEN',
    })
    await expect(app.tools.call('todos.nope', {}, caller)).rejects.toMatchObject({
      code: 'TOOL_NOT_FOUND',
    })
    await expect(
      app.tools.call('todos.purge', {}, { principal: admin, workspace: 'main' }),
    ).resolves.toEqual({ purged: true })
  })

  it('enforces API-key scopes on every tool call: read-only and the tool allowlist', async () => {
    const h = await harness(dialect)
    const app = h.kernel([todos()], { dev: true })
    await app.boot()
    const key = (scopes: Principal['scopes']): Principal => ({
      type: 'apiKey',
      id: 'k1',
      userId: 'a',
      roles: ['admin'],
      admin: true,
      ...(scopes ? { scopes } : {}),
    })
    const input = { id: 1, title: 'x' }
    await expect(
      app.tools.call('todos.create', input, {
        principal: key({ readOnly: true, tools: null }),
        workspace: 'main',
      }),
    ).rejects.toMatchObject({ code: 'READ_ONLY_KEY', status: 403 })
    await expect(
      app.tools.call(
        'todos.purge',
        {},
        {
          principal: key({ readOnly: false, tools: ['todos.create'] }),
          workspace: 'main',
        },
      ),
    ).rejects.toMatchObject({ code: 'TOOL_NOT_ALLOWED', status: 403 })
    await expect(
      app.tools.call('todos.create', input, {
        principal: key({ readOnly: false, tools: ['todos.create'] }),
        workspace: 'main',
      }),
    ).resolves.toMatchObject({ id: 1 })
  })

  it('runs action hooks after the response without blocking it, and logs their failures', async () => {
    const h = await harness(dialect)
    const lines: { level: string; message: string; fields: Record<string, unknown> }[] = []
    let release: () => void = () => {}
    const gate = new Promise<void>((resolve) => {
      release = resolve
    })
    const seen: unknown[] = []
    const audit = definePlugin({
      name: '@test/audit',
      version: '1.0.0',
      requires: [Database],
      register(ctx) {
        ctx.on.action('todos.created', async (todo, hook) => {
          await gate
          // Hooks reach the services their plugin declared through the scope they receive.
          const count = await hook.use(Database).db.selectFrom('test_todos').selectAll().execute()
          seen.push({ todo, rows: count.length, by: hook.principal.type })
        })
        ctx.on.action('todos.created', () => {
          throw new Error('audit sink down')
        })
      },
    })
    const app = h.kernel([todos(), audit()], { dev: true, logger: silentLogger(lines) })
    await app.boot()
    const res = await app.fetch(
      new Request('http://local/api/todos', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ id: 7, title: 'call mom' }),
      }),
    )
    expect(res.status).toBe(200)
    expect(seen).toEqual([])
    release()
    await app.events.settled()
    expect(seen).toEqual([
      { todo: { id: 7, title: 'call mom', owner: null }, rows: 1, by: 'anonymous' },
    ])
    expect(lines).toContainEqual(
      expect.objectContaining({
        level: 'error',
        message: 'action hook failed',
        fields: expect.objectContaining({ plugin: '@test/audit', error: 'audit sink down' }),
      }),
    )
  })
})
