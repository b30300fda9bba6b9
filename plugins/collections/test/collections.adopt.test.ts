// Adopting existing tables on both dialects: list candidates, inspect (types, keys, foreign
// keys), adopt, and DELETE archiving without touching the table; restore.
import { dialects } from '@backlex/test-utils'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { inspectTable } from '../src/adopt/introspect.js'
import { ADMIN, codeOf, dataOf, startApp, type TestApp } from './helpers.js'

describe.each(dialects)('adopting tables on $dialect', (dialect) => {
  let t: TestApp
  const pg = dialect.dialect === 'postgres'
  beforeAll(async () => {
    if (!dialect.available) return
    t = await startApp(dialect)
    await t.query(
      pg
        ? 'create table customers (id serial primary key, name text not null, email varchar(100) unique, vip boolean default false)'
        : 'create table customers (id integer primary key autoincrement, name text not null, email varchar(100) unique, vip boolean default 0)',
    )
    await t.query(
      `create table orders (
         id ${pg ? 'bigserial' : 'integer'} primary key,
         customer_id integer references customers (id) on delete set null,
         total numeric(10, 2) not null default 0,
         placed_at ${pg ? 'timestamptz' : 'datetime'},
         ref uuid,
         data ${pg ? 'jsonb' : 'json'},
         "CamelCol" text,
         blob_col ${pg ? 'bytea' : 'blob'}
       )`,
    )
    await t.query('create table keyless (a integer, b text)')
    await t.query(`insert into customers (name, email) values ('Ann', 'ann@example.com')`)
    await t.query('insert into orders (customer_id, total) values (1, 12.5)')
  })
  afterAll(async () => {
    await t?.close()
  })

  it.skipIf(!dialect.available)('lists candidate tables, not backlex_* nor c_* ones', async () => {
    await t.collections.create('main', { slug: 'managed_one' })
    const res = await t.request('GET', '/api/admin/adopt/tables', { as: ADMIN })
    expect(res.status).toBe(200)
    const tables = dataOf<{ table: string; adoptedAs: unknown; supported: boolean }[]>(res.body)
    expect(tables.map((r) => r.table).sort()).toEqual(['customers', 'keyless', 'orders'])
    expect(tables[0]).toEqual({ table: 'customers', adoptedAs: null, supported: true })
  })

  it.skipIf(!dialect.available)(
    'inspects columns, mapped types, nullability, keys and foreign keys',
    async () => {
      const res = await t.request('POST', '/api/admin/adopt/inspect', {
        as: ADMIN,
        body: { table: 'orders' },
      })
      expect(res.status).toBe(200)
      const data = dataOf<{
        columns: { name: string; type: string | null; nullable: boolean; primaryKey: boolean }[]
      }>(res.body)
      expect(data).toMatchObject({
        table: 'orders',
        primaryKey: ['id'],
        foreignKeys: [
          { column: 'customer_id', table: 'customers', references: 'id', onDelete: 'set null' },
        ],
      })
      const byName = Object.fromEntries(data.columns.map((c) => [c.name, c]))
      expect(byName.id).toMatchObject({
        type: pg ? 'bigInteger' : 'integer',
        primaryKey: true,
        nullable: false,
      })
      expect(byName.customer_id).toMatchObject({ type: 'integer', nullable: true })
      expect(byName.total).toMatchObject({
        type: 'decimal',
        nullable: false,
        precision: 10,
        scale: 2,
      })
      expect(byName.placed_at).toMatchObject({ type: 'datetime' })
      expect(byName.ref).toMatchObject({ type: 'uuid' })
      expect(byName.data).toMatchObject({ type: 'json' })
      expect(byName.blob_col).toMatchObject({ type: null })
      const customers = await t.request('POST', '/api/admin/adopt/inspect', {
        as: ADMIN,
        body: { table: 'customers' },
      })
      const email = dataOf<{ columns: { name: string }[] }>(customers.body).columns.find(
        (c) => c.name === 'email',
      )
      expect(email).toMatchObject({ type: 'string', length: 100, unique: true, nullable: true })
    },
  )

  it.skipIf(!dialect.available)(
    'refuses to inspect system, managed and unknown tables',
    async () => {
      for (const table of [
        'backlex_collections_collections',
        'c_main_managed_one',
        'nope',
        'orders; --',
      ]) {
        const res = await t.request('POST', '/api/admin/adopt/inspect', {
          as: ADMIN,
          body: { table },
        })
        expect([res.status, codeOf(res.body)]).toEqual([404, 'TABLE_NOT_FOUND'])
      }
      const bad = await t.request('POST', '/api/admin/adopt/inspect', { as: ADMIN, body: {} })
      expect([bad.status, codeOf(bad.body)]).toEqual([400, 'VALIDATION_FAILED'])
    },
  )

  it.skipIf(!dialect.available)(
    'adopts tables: fields inferred, foreign keys to collections become m2o',
    async () => {
      const customers = await t.request('POST', '/api/collections', {
        as: ADMIN,
        body: { kind: 'adopted', slug: 'customers', table: 'customers' },
      })
      expect(customers.status).toBe(201)
      expect(dataOf(customers.body)).toMatchObject({
        kind: 'adopted',
        table: 'customers',
        primaryKey: { name: 'id', type: 'integer' },
        fields: [
          { name: 'name', type: 'text', required: true },
          { name: 'email', type: 'string', length: 100, unique: true, required: false },
          { name: 'vip', type: 'boolean', required: false },
        ],
      })
      const orders = await t.request('POST', '/api/collections', {
        as: ADMIN,
        body: { kind: 'adopted', slug: 'orders', table: 'orders' },
      })
      expect(orders.status).toBe(201)
      const def = dataOf<{ fields: { name: string }[]; relations: unknown[] }>(orders.body)
      expect(def.relations).toEqual([
        {
          type: 'm2o',
          field: 'customer_id',
          collection: 'customers',
          onDelete: 'set null',
          required: false,
        },
      ])
      // Unmappable columns and names that are not lower snake case are left out.
      expect(def.fields.map((f) => f.name)).toEqual(['total', 'placed_at', 'ref', 'data'])
      const again = await t.request('POST', '/api/collections', {
        as: ADMIN,
        body: { kind: 'adopted', slug: 'orders_again', table: 'orders' },
      })
      expect([again.status, codeOf(again.body)]).toEqual([409, 'TABLE_ALREADY_ADOPTED'])
      const keyless = await t.request('POST', '/api/collections', {
        as: ADMIN,
        body: { kind: 'adopted', slug: 'keyless', table: 'keyless' },
      })
      expect([keyless.status, codeOf(keyless.body)]).toEqual([400, 'UNSUPPORTED_PRIMARY_KEY'])
      const system = await t.request('POST', '/api/collections', {
        as: ADMIN,
        body: { kind: 'adopted', slug: 'sys', table: 'backlex_collections_collections' },
      })
      expect([system.status, codeOf(system.body)]).toEqual([404, 'TABLE_NOT_FOUND'])
      const listed = await t.request('GET', '/api/admin/adopt/tables', { as: ADMIN })
      expect(
        dataOf<{ table: string; adoptedAs: unknown }[]>(listed.body).find(
          (r) => r.table === 'orders',
        ),
      ).toMatchObject({
        adoptedAs: { workspace: 'main', slug: 'orders' },
      })
    },
  )

  it.skipIf(!dialect.available)(
    'adopts with explicit fields only, which must be columns',
    async () => {
      await t.query(
        'create table products (sku text primary key, label text, price real, secret text)',
      )
      const missing = await t.request('POST', '/api/collections', {
        as: ADMIN,
        body: {
          kind: 'adopted',
          slug: 'products',
          table: 'products',
          fields: [{ name: 'nope', type: 'string' }],
        },
      })
      expect([missing.status, codeOf(missing.body)]).toEqual([400, 'INVALID_FIELD'])
      const res = await t.request('POST', '/api/collections', {
        as: ADMIN,
        body: {
          kind: 'adopted',
          slug: 'products',
          table: 'products',
          fields: [
            { name: 'label', type: 'string', length: 80 },
            { name: 'price', type: 'float' },
          ],
        },
      })
      expect(res.status).toBe(201)
      expect(dataOf(res.body)).toMatchObject({
        primaryKey: { name: 'sku', type: 'string' },
        fields: [{ name: 'label' }, { name: 'price' }],
      })
      const injected = await t.request('POST', '/api/collections', {
        as: ADMIN,
        body: { kind: 'adopted', slug: 'products2', table: 'Products"; drop table orders; --' },
      })
      expect([injected.status, codeOf(injected.body)]).toEqual([404, 'TABLE_NOT_FOUND'])
      expect(await t.query('select id from orders')).toHaveLength(1)
    },
  )

  it.skipIf(!dialect.available)(
    'adopts an m2m over an existing junction, columns read off its foreign keys',
    async () => {
      await t.query('create table tag_list (id integer primary key, name text)')
      await t.query(
        'create table customer_tags (customer integer not null references customers (id), tag integer not null references tag_list (id), primary key (customer, tag))',
      )
      expect(
        (
          await t.collections.create('main', {
            kind: 'adopted',
            slug: 'tag_list',
            table: 'tag_list',
          })
        ).slug,
      ).toBe('tag_list')
      const missing = await t.request('PATCH', '/api/collections/customers', {
        as: ADMIN,
        body: {
          relations: [
            { type: 'm2m', field: 'tags', collection: 'tag_list', junction: 'no_such_table' },
          ],
        },
      })
      expect([missing.status, codeOf(missing.body)]).toEqual([404, 'TABLE_NOT_FOUND'])
      const noJunction = await t.request('PATCH', '/api/collections/customers', {
        as: ADMIN,
        body: { relations: [{ type: 'm2m', field: 'tags', collection: 'tag_list' }] },
      })
      expect([noJunction.status, codeOf(noJunction.body)]).toEqual([400, 'INVALID_RELATION'])
      const res = await t.request('PATCH', '/api/collections/customers', {
        as: ADMIN,
        body: {
          relations: [
            { type: 'm2m', field: 'tags', collection: 'tag_list', junction: 'customer_tags' },
          ],
        },
      })
      expect(res.status).toBe(200)
      expect(dataOf<{ relations: unknown[] }>(res.body).relations).toEqual([
        {
          type: 'm2m',
          field: 'tags',
          collection: 'tag_list',
          junction: 'customer_tags',
          sourceColumn: 'customer',
          targetColumn: 'tag',
        },
      ])
    },
  )

  it.skipIf(!dialect.available)('changes adopted metadata only, never the table', async () => {
    const before = (await inspectTable(t.db.db, t.db.dialect, 'orders'))?.columns.map((c) => c.name)
    const drop = await t.request('PATCH', '/api/collections/orders', {
      as: ADMIN,
      body: { drop: ['data'] },
    })
    expect(drop.status).toBe(200)
    const index = await t.request('PATCH', '/api/collections/orders', {
      as: ADMIN,
      body: { change: [{ name: 'total', indexed: true }] },
    })
    expect([index.status, codeOf(index.body)]).toEqual([400, 'ADOPTED_READ_ONLY_SCHEMA'])
    const missing = await t.request('PATCH', '/api/collections/orders', {
      as: ADMIN,
      body: { fields: [{ name: 'not_a_column', type: 'string' }] },
    })
    expect([missing.status, codeOf(missing.body)]).toEqual([400, 'INVALID_FIELD'])
    const readd = await t.request('PATCH', '/api/collections/orders', {
      as: ADMIN,
      body: { fields: [{ name: 'data', type: 'json' }] },
    })
    expect(readd.status).toBe(200)
    expect(
      (await inspectTable(t.db.db, t.db.dialect, 'orders'))?.columns.map((c) => c.name),
    ).toEqual(before)
  })

  it.skipIf(!dialect.available)(
    'DELETE archives without dropping; restore brings it back',
    async () => {
      const inUse = await t.request('DELETE', '/api/collections/customers', { as: ADMIN })
      expect([inUse.status, codeOf(inUse.body)]).toEqual([409, 'COLLECTION_IN_USE'])
      const res = await t.request('DELETE', '/api/collections/orders', { as: ADMIN })
      expect([res.status, dataOf(res.body)]).toEqual([200, { slug: 'orders', result: 'archived' }])
      expect(await t.query('select total from orders')).toHaveLength(1)
      const live = await t.request('GET', '/api/collections', { as: ADMIN })
      expect(dataOf<{ slug: string }[]>(live.body).map((c) => c.slug)).not.toContain('orders')
      const all = await t.request('GET', '/api/collections?include_archived=true', { as: ADMIN })
      const archived = dataOf<{ slug: string; archivedAt: string | null }[]>(all.body).find(
        (c) => c.slug === 'orders',
      )
      expect(archived?.archivedAt).toMatch(/^\d{4}-\d{2}-\d{2}T/)
      const patchArchived = await t.request('PATCH', '/api/collections/orders', {
        as: ADMIN,
        body: {},
      })
      expect([patchArchived.status, codeOf(patchArchived.body)]).toEqual([
        409,
        'COLLECTION_ARCHIVED',
      ])
      const deleteAgain = await t.request('DELETE', '/api/collections/orders', { as: ADMIN })
      expect([deleteAgain.status, codeOf(deleteAgain.body)]).toEqual([404, 'COLLECTION_NOT_FOUND'])
      const reuse = await t.request('POST', '/api/collections', {
        as: ADMIN,
        body: { slug: 'orders' },
      })
      expect([reuse.status, codeOf(reuse.body)]).toEqual([409, 'COLLECTION_EXISTS'])

      const restored = await t.request('POST', '/api/collections/orders/restore', { as: ADMIN })
      expect(restored.status).toBe(200)
      expect(dataOf(restored.body)).toMatchObject({ slug: 'orders', archivedAt: null })
      const twice = await t.request('POST', '/api/collections/orders/restore', { as: ADMIN })
      expect([twice.status, codeOf(twice.body)]).toEqual([409, 'COLLECTION_NOT_ARCHIVED'])
      expect(await t.collections.get('main', 'orders')).toMatchObject({ archivedAt: null })
    },
  )
})
