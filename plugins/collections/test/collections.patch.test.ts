// PATCH on both dialects: additive changes, drops only when confirmed, and all-or-nothing: a
// failing step leaves the table and the metadata exactly as they were.
import { dialects } from '@backlex/test-utils'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { inspectTable } from '../src/adopt/introspect.js'
import { ADMIN, codeOf, dataOf, startApp, type TestApp } from './helpers.js'

describe.each(dialects)('PATCH /api/collections/:slug on $dialect', (dialect) => {
  let t: TestApp
  const columns = async (table: string) =>
    (await inspectTable(t.db.db, t.db.dialect, table))?.columns.map((c) => c.name) ?? []
  const patch = (slug: string, body: unknown) =>
    t.request('PATCH', `/api/collections/${slug}`, { as: ADMIN, body })
  const metadata = async (slug: string) =>
    t.query(
      `select definition, updated_at from backlex_collections_collections where slug = '${slug}'`,
    )

  beforeAll(async () => {
    if (!dialect.available) return
    t = await startApp(dialect)
    await t.collections.create('main', {
      slug: 'articles',
      fields: [
        { name: 'title', type: 'string' },
        { name: 'category', type: 'string' },
      ],
    })
    await t.query(`insert into c_main_articles (title, category) values ('a', 'x'), ('b', 'x')`)
  })
  afterAll(async () => {
    await t?.close()
  })

  it.skipIf(!dialect.available)(
    'adds fields; a required one takes its default in existing rows',
    async () => {
      const res = await patch('articles', {
        fields: [
          { name: 'views', type: 'integer', required: true, default: 7 },
          { name: 'summary', type: 'text' },
          { name: 'state', type: 'enum', choices: ['on', 'off'], default: 'on', required: true },
        ],
      })
      expect(res.status).toBe(200)
      expect(await columns('c_main_articles')).toEqual([
        'id',
        'title',
        'category',
        'views',
        'summary',
        'state',
      ])
      const rows = await t.query<{ views: number; state: string }>(
        'select views, state from c_main_articles order by id',
      )
      expect(rows).toEqual([
        { views: 7, state: 'on' },
        { views: 7, state: 'on' },
      ])
      await expect(t.query(`update c_main_articles set state = 'maybe'`)).rejects.toThrow()
    },
  )

  it.skipIf(!dialect.available)(
    'refuses a required field without default, and a taken name',
    async () => {
      const required = await patch('articles', {
        fields: [{ name: 'must', type: 'string', required: true }],
      })
      expect([required.status, codeOf(required.body)]).toEqual([
        400,
        'REQUIRED_FIELD_NEEDS_DEFAULT',
      ])
      const taken = await patch('articles', { fields: [{ name: 'title', type: 'text' }] })
      expect([taken.status, codeOf(taken.body)]).toEqual([409, 'FIELD_EXISTS'])
      const unknownKey = await patch('articles', { add: [] })
      expect([unknownKey.status, codeOf(unknownKey.body)]).toEqual([400, 'INVALID_COLLECTION'])
      const missing = await patch('nothing_here', { fields: [] })
      expect([missing.status, codeOf(missing.body)]).toEqual([404, 'COLLECTION_NOT_FOUND'])
      expect(await columns('c_main_articles')).not.toContain('must')
    },
  )

  it.skipIf(!dialect.available)('adds and removes indexes and unique indexes', async () => {
    const indexed = await patch('articles', { change: [{ name: 'category', indexed: true }] })
    expect(indexed.status).toBe(200)
    const unique = await patch('articles', { change: [{ name: 'title', unique: true }] })
    expect(unique.status).toBe(200)
    await expect(t.query(`insert into c_main_articles (title) values ('a')`)).rejects.toThrow()
    const def = dataOf<{ fields: { name: string; unique: boolean; indexed: boolean }[] }>(
      unique.body,
    )
    expect(def.fields.find((f) => f.name === 'title')).toMatchObject({ unique: true })
    const removed = await patch('articles', { change: [{ name: 'title', unique: false }] })
    expect(removed.status).toBe(200)
    await t.query(`insert into c_main_articles (title) values ('a')`)
    await t.query(`delete from c_main_articles where id > 2`)
  })

  it.skipIf(!dialect.available)(
    'is atomic: a unique index over duplicates rolls back the whole PATCH',
    async () => {
      const before = await metadata('articles')
      const cols = await columns('c_main_articles')
      const res = await patch('articles', {
        fields: [{ name: 'extra', type: 'string', indexed: true }],
        relations: [],
        change: [{ name: 'category', unique: true }],
      })
      expect([res.status, codeOf(res.body)]).toEqual([409, 'SCHEMA_CHANGE_FAILED'])
      expect(JSON.stringify(res.body)).not.toMatch(
        /alter table|create unique index|c_main_articles_/i,
      )
      expect(await columns('c_main_articles')).toEqual(cols)
      expect(await metadata('articles')).toEqual(before)
      // The plain index on category, dropped before the unique one was tried, is back too.
      const again = await patch('articles', { change: [{ name: 'category', indexed: false }] })
      expect(again.status).toBe(200)
    },
  )

  it.skipIf(!dialect.available)('drops a field only with confirm', async () => {
    const before = await metadata('articles')
    const unconfirmed = await patch('articles', { drop: ['summary'] })
    expect([unconfirmed.status, codeOf(unconfirmed.body)]).toEqual([400, 'DROP_NOT_CONFIRMED'])
    expect(await columns('c_main_articles')).toContain('summary')
    expect(await metadata('articles')).toEqual(before)
    const pk = await patch('articles', { drop: ['id'], confirm: true })
    expect([pk.status, codeOf(pk.body)]).toEqual([400, 'PRIMARY_KEY_IMMUTABLE'])
    const unknown = await patch('articles', { drop: ['nope'], confirm: true })
    expect([unknown.status, codeOf(unknown.body)]).toEqual([404, 'FIELD_NOT_FOUND'])
    const confirmed = await patch('articles', { drop: ['summary', 'category'], confirm: true })
    expect(confirmed.status).toBe(200)
    expect(await columns('c_main_articles')).not.toContain('summary')
    expect(await columns('c_main_articles')).not.toContain('category')
    expect(
      dataOf<{ fields: { name: string }[] }>(confirmed.body).fields.map((f) => f.name),
    ).toEqual(['title', 'views', 'state'])
  })

  it.skipIf(!dialect.available)(
    'adds relations: m2o column, o2m alias, m2m junction; drops them',
    async () => {
      await t.collections.create('main', {
        slug: 'writers',
        fields: [{ name: 'name', type: 'string' }],
      })
      await t.collections.create('main', {
        slug: 'labels',
        fields: [{ name: 'name', type: 'string' }],
      })
      const m2o = await patch('articles', {
        relations: [
          { type: 'm2o', field: 'writer', collection: 'writers' },
          { type: 'm2m', field: 'labels', collection: 'labels' },
        ],
      })
      expect(m2o.status).toBe(200)
      expect(await columns('c_main_articles')).toContain('writer')
      expect(await columns('c_main_articles_labels')).toEqual(['articles_id', 'labels_id'])
      const o2m = await patch('writers', {
        relations: [
          { type: 'o2m', field: 'articles', collection: 'articles', foreignKey: 'writer' },
        ],
      })
      expect(o2m.status).toBe(200)
      const inUse = await patch('articles', { drop: ['writer'], confirm: true })
      expect([inUse.status, codeOf(inUse.body)]).toEqual([409, 'FIELD_IN_USE'])
      const deleteWriters = await t.request('DELETE', '/api/collections/writers', { as: ADMIN })
      expect([deleteWriters.status, codeOf(deleteWriters.body)]).toEqual([409, 'COLLECTION_IN_USE'])
      expect((await patch('writers', { drop: ['articles'], confirm: true })).status).toBe(200)
      const dropM2m = await patch('articles', { drop: ['labels'], confirm: true })
      expect(dropM2m.status).toBe(200)
      expect(await inspectTable(t.db.db, t.db.dialect, 'c_main_articles_labels')).toBeUndefined()
      const dropM2o = await patch('articles', { drop: ['writer'], confirm: true })
      if (dialect.dialect === 'sqlite') {
        expect([dropM2o.status, codeOf(dropM2o.body)]).toEqual([400, 'CHANGE_NOT_SUPPORTED'])
      } else {
        expect(dropM2o.status).toBe(200)
        expect(await columns('c_main_articles')).not.toContain('writer')
      }
    },
  )

  it.skipIf(!dialect.available)('keeps a self-referencing o2m from losing its m2o', async () => {
    await t.collections.create('main', {
      slug: 'nodes',
      relations: [
        { type: 'm2o', field: 'parent', collection: 'nodes' },
        { type: 'o2m', field: 'children', collection: 'nodes', foreignKey: 'parent' },
      ],
    })
    const alone = await patch('nodes', { drop: ['parent'], confirm: true })
    expect([alone.status, codeOf(alone.body)]).toEqual([409, 'FIELD_IN_USE'])
    const both = await patch('nodes', { drop: ['children', 'parent'], confirm: true })
    if (dialect.dialect === 'sqlite') {
      expect([both.status, codeOf(both.body)]).toEqual([400, 'CHANGE_NOT_SUPPORTED'])
    } else {
      expect(both.status).toBe(200)
      expect(dataOf<{ relations: unknown[] }>(both.body).relations).toEqual([])
    }
  })

  it.skipIf(!dialect.available)('refuses a junction name that is already a table', async () => {
    await t.collections.create('main', { slug: 'articles_things' })
    await t.collections.create('main', { slug: 'things' })
    const before = await metadata('articles')
    const res = await patch('articles', {
      relations: [
        { type: 'm2m', field: 'things', collection: 'things', junction: 'c_main_articles_things' },
      ],
    })
    expect([res.status, codeOf(res.body)]).toEqual([409, 'TABLE_EXISTS'])
    expect(await metadata('articles')).toEqual(before)
  })

  it.skipIf(!dialect.available)(
    'deletes a managed collection with its junction tables',
    async () => {
      await t.collections.create('main', { slug: 'things2' })
      await t.collections.create('main', {
        slug: 'boxes',
        relations: [{ type: 'm2m', field: 'things', collection: 'things2' }],
      })
      expect(await inspectTable(t.db.db, t.db.dialect, 'c_main_boxes_things')).toBeDefined()
      const inUse = await t.request('DELETE', '/api/collections/things2', { as: ADMIN })
      expect([inUse.status, codeOf(inUse.body)]).toEqual([409, 'COLLECTION_IN_USE'])
      const res = await t.request('DELETE', '/api/collections/boxes', { as: ADMIN })
      expect(res.status).toBe(200)
      expect(await inspectTable(t.db.db, t.db.dialect, 'c_main_boxes_things')).toBeUndefined()
      expect(await inspectTable(t.db.db, t.db.dialect, 'c_main_boxes')).toBeUndefined()
      expect((await t.request('DELETE', '/api/collections/things2', { as: ADMIN })).status).toBe(
        200,
      )
    },
  )
})
