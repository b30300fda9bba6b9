// Collection schemas as MCP resources, with a stand-in for @backlex/collections' service (same
// token id): admins see every schema, others only collections and fields they may read.
import { definePlugin, defineService, type Principal } from '@backlex/kernel'
import { Permissions } from '@backlex/permissions'
import type { Client } from '@modelcontextprotocol/sdk/client/index.js'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { connectHttp, dialectsUnderTest, type McpTestServer, startMcpServer } from './helpers.js'

interface Schema {
  workspace: string
  slug: string
  table: string
  fields: { name: string; type: string }[]
  relations: { type: string; field: string; collection: string }[]
  note?: string
}

const schemas: Schema[] = [
  {
    workspace: 'main',
    slug: 'notes',
    table: 'mcp_test_notes',
    fields: ['id', 'owner', 'title', 'secret'].map((name) => ({ name, type: 'string' })),
    relations: [{ type: 'm2o', field: 'secret', collection: 'vault' }],
    note: 'Short notes, one owner each.',
  },
  {
    workspace: 'main',
    slug: 'salaries',
    table: 'c_main_salaries',
    fields: [{ name: 'amount', type: 'decimal' }],
    relations: [],
  },
]

/** Provides `backlex.collections` as @backlex/collections does, from a fixed list. */
const fakeCollections = definePlugin({
  name: '@backlex/test-collections',
  version: '0.0.0',
  provides: [defineService('backlex.collections')],
  requires: [Permissions],
  register(ctx) {
    // A stand-in for the per-caller view @backlex/collections draws (its own tests hold that
    // view to the rules): admins everything; others readable collections and fields, no table.
    ctx.provide(defineService('backlex.collections'), (boot) => ({
      visibleTo: async (principal: Principal, workspace: string) => {
        const all = schemas.filter((s) => s.workspace === workspace)
        if (principal.admin) return all
        const shown: Omit<Schema, 'table'>[] = []
        for (const { table: _table, ...schema } of all) {
          const rules = await boot
            .use(Permissions)
            .rulesFor(principal, { workspace, collection: schema.slug, action: 'read' })
          if (!rules) continue
          const readable = (name: string) => rules.fields === '*' || rules.fields.includes(name)
          shown.push({
            ...schema,
            fields: schema.fields.filter((f) => readable(f.name)),
            relations: schema.relations.filter((r) => readable(r.field)),
          })
        }
        return shown
      },
    }))
  },
})

describe.each(dialectsUnderTest)('collection schemas as MCP resources on $dialect', (dialect) => {
  let t: McpTestServer
  let admin: Client
  let ada: Client

  beforeAll(async () => {
    t = await startMcpServer(await dialect.create(), [fakeCollections()])
    admin = await connectHttp(t.url, (await t.createKey(t.admin)).secret)
    ada = await connectHttp(t.url, (await t.createKey(t.ada)).secret)
  })
  afterAll(async () => {
    await admin?.close()
    await ada?.close()
    await t?.close()
  })

  it('offers the resources capability and a template by slug', async () => {
    expect(admin.getServerCapabilities()?.resources).toBeDefined()
    expect((await ada.listResourceTemplates()).resourceTemplates).toEqual([
      expect.objectContaining({
        uriTemplate: 'backlex://collections/{slug}',
        mimeType: 'application/json',
      }),
    ])
  })

  it('lists every collection to an admin and only readable ones to others', async () => {
    expect((await admin.listResources()).resources.map((r) => r.uri)).toEqual([
      'backlex://collections/notes',
      'backlex://collections/salaries',
    ])
    expect((await ada.listResources()).resources).toEqual([
      {
        uri: 'backlex://collections/notes',
        name: 'notes',
        description: 'Short notes, one owner each.',
        mimeType: 'application/json',
      },
    ])
  })

  it('reads a schema with only the fields the caller may read', async () => {
    const read = async (client: Client, slug: string) => {
      const { contents } = await client.readResource({ uri: `backlex://collections/${slug}` })
      const first = contents[0] as { text: string; mimeType: string }
      expect(first.mimeType).toBe('application/json')
      return JSON.parse(first.text) as Schema
    }
    const full = await read(admin, 'notes')
    expect(full.fields.map((f) => f.name)).toEqual(['id', 'owner', 'title', 'secret'])
    expect(full.table).toBe('mcp_test_notes')
    const narrowed = await read(ada, 'notes')
    expect(narrowed.fields.map((f) => f.name)).toEqual(['id', 'owner', 'title'])
    // Neither the physical table nor a relation through a hidden field leaks.
    expect(narrowed).not.toHaveProperty('table')
    expect(narrowed.relations).toEqual([])
  })

  it('reports a collection the caller may not read like one that does not exist (-32002)', async () => {
    for (const uri of [
      'backlex://collections/salaries',
      'backlex://collections/nothing_here',
      'backlex://collections/Bad-Slug',
      'file:///etc/passwd',
    ]) {
      await expect(ada.readResource({ uri }), uri).rejects.toMatchObject({
        code: -32002,
        message: expect.stringContaining(`No resource "${uri}"`),
      })
    }
  })
})
