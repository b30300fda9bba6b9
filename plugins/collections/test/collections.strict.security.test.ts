// Strict input everywhere: an unknown key in any body or tool input of this package, at any
// level, is a 400 and nothing is created, as PATCH /api/collections already answered. Both dialects.
import type { Principal } from '@backlex/kernel'
import { systemPrincipal } from '@backlex/kernel'
import { dialects } from '@backlex/test-utils'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ADMIN, codeOf, type ItemsApp, startItemsApp } from './items-helpers/app.js'

describe.each(dialects.filter((d) => d.available))('unknown keys on $dialect', (dialect) => {
  let t: ItemsApp
  /** Whether a table exists in this test's database (its own schema on PostgreSQL). */
  const tableExists = async (table: string) =>
    t.dialect === 'sqlite'
      ? (await t.sql(`select name from sqlite_master where type = 'table' and name = '${table}'`))
          .length > 0
      : (await t.sql<{ t: unknown }>(`select to_regclass('${table}') as t`))[0]?.t != null
  const toolFailure = async (
    name: string,
    input: unknown,
    principal: Principal = systemPrincipal,
  ) => {
    try {
      await t.app.tools.call(name, input, { principal, workspace: 'main' })
    } catch (error) {
      return error as { code?: string; status?: number }
    }
    throw new Error(`${name} accepted ${JSON.stringify(input)}`)
  }

  beforeAll(async () => {
    t = await startItemsApp(dialect)
    await t.collection({ slug: 'kept', fields: [{ name: 'title', type: 'string' }] })
  })
  afterAll(() => t?.close())

  it('refuses POST /api/collections with an unknown key at any level; no table is created', async () => {
    const bodies = [
      { slug: 'ghost', fields: [], colour: 'red' },
      { slug: 'ghost', fields: [{ name: 'title', type: 'string', colour: 'red' }] },
      { slug: 'ghost', primaryKey: { name: 'id', type: 'integer', auto: true } },
      {
        slug: 'ghost',
        relations: [{ type: 'm2o', field: 'kept', collection: 'kept', cascade: true }],
      },
      { kind: 'adopted', slug: 'ghost', table: 'c_main_kept', colour: 'red' },
    ]
    for (const body of bodies) {
      const res = await t.request('POST', '/api/collections', { as: ADMIN, body })
      expect(res.status, JSON.stringify(body)).toBe(400)
      expect(codeOf(res.body)).toBe('INVALID_COLLECTION')
    }
    expect(await tableExists('c_main_ghost')).toBe(false)
    expect((await t.request('GET', '/api/collections/ghost', { as: ADMIN })).status).toBe(404)
  })

  it('refuses unknown keys nested in PATCH /api/collections; nothing changes', async () => {
    const res = await t.request('PATCH', '/api/collections/kept', {
      as: ADMIN,
      body: { fields: [{ name: 'extra', type: 'string', colour: 'red' }] },
    })
    expect(res.status).toBe(400)
    expect(codeOf(res.body)).toBe('INVALID_COLLECTION')
    const kept = await t.request<{ data: { fields: { name: string }[] } }>(
      'GET',
      '/api/collections/kept',
      { as: ADMIN },
    )
    expect(kept.body.data.fields.map((f) => f.name)).toEqual(['title'])
  })

  it('refuses unknown keys in the adopt inspection body', async () => {
    const res = await t.request('POST', '/api/admin/adopt/inspect', {
      as: ADMIN,
      body: { table: 'c_main_kept', schema: 'public' },
    })
    expect(res.status).toBe(400)
  })

  it('refuses unknown keys in every collections and items tool input', async () => {
    const refused: [string, unknown][] = [
      ['collections.list', { all: true }],
      ['collections.get', { slug: 'kept', table: true }],
      ['collections.fields', { slug: 'kept', x: 1 }],
      ['collections.create', { slug: 'ghost', fields: [], colour: 'red' }],
      ['collections.update', { slug: 'kept', fields: [], colour: 'red' }],
      ['collections.delete', { slug: 'kept', force: true }],
      ['items.list', { collection: 'kept', colour: 'red' }],
      ['items.get', { collection: 'kept', key: 1, colour: 'red' }],
      ['items.create', { collection: 'kept', data: { title: 'x' }, colour: 'red' }],
      ['items.update', { collection: 'kept', key: 1, data: { title: 'x' }, colour: 'red' }],
      ['items.bulk_update', { collection: 'kept', keys: [1], data: { title: 'x' }, colour: 1 }],
      ['items.delete', { collection: 'kept', keys: [1], colour: 'red' }],
    ]
    for (const [tool, input] of refused) {
      const error = await toolFailure(tool, input)
      expect(error.status, tool).toBe(400)
    }
    expect(await tableExists('c_main_ghost')).toBe(false)
    expect(await tableExists('c_main_kept')).toBe(true)
    expect(await t.sql('select * from c_main_kept')).toEqual([])
  })
})
