// Item writes in the activity log of @backlex/activity: `item.*` entries beside other plugins'
// entries, written in the write's transaction; and collections without the log installed.

import { type Activity, ActivityLog, activity, activityMigrations } from '@backlex/activity'
import {
  BacklexError,
  createBacklex,
  defineConfig,
  definePlugin,
  type Plugin,
  type Principal,
  systemPrincipal,
} from '@backlex/kernel'
import { permissions } from '@backlex/permissions'
import { createPostgresDatabase } from '@backlex/postgres'
import { createSqliteDatabase } from '@backlex/sqlite'
import { dialects, silentLogger, testPrincipals } from '@backlex/test-utils'
import { sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { Collections, collections, Items, ItemsCommitting } from '../src/index.js'
import { ADMIN, codeOf, type ItemsApp, startItemsApp } from './items-helpers/app.js'

const EDITOR = { id: 'u-editor', roles: ['editor'] }
/** Throws in `items.committing`, after the rows, revisions and activity entries are written. */
const refuseAtCommit = definePlugin({
  name: '@backlex/test-refuse-at-commit',
  version: '0.0.0',
  register(ctx) {
    ctx.on.filter(ItemsCommitting, (payload) => {
      if (payload.event.after?.some((item) => item.title === 'refuse at commit')) {
        throw new BacklexError('TEST_REFUSED', 422, 'Refused at commit.')
      }
      return payload
    })
  },
})
const principal = (given: Partial<Principal>): Principal => ({
  type: 'user',
  id: 'u1',
  userId: 'u1',
  roles: [],
  admin: false,
  ...given,
})
const editor = principal({ id: 'u-editor', userId: 'u-editor', roles: ['editor'] })
const other = principal({ id: 'u-other', userId: 'u-other', roles: ['editor'] })
// A key without a user (e.g. a service key): its own entries are those with its id.
const serviceKey = principal({ type: 'apiKey', id: 'key-svc', userId: null, roles: ['editor'] })

describe.each(dialects.filter((d) => d.available))('the activity log service on $dialect', (d) => {
  let t: ItemsApp
  beforeAll(async () => {
    t = await startItemsApp(d, { extra: [refuseAtCommit()] })
    await t.collection({ slug: 'articles', fields: [{ name: 'title', type: 'string' }] })
    await t.permit({ role: 'editor', collection: 'articles', action: 'create' })
  })
  afterAll(() => t?.close())

  const log = () => t.app.get(ActivityLog)
  const activityOf = async (query: string, as: object) => {
    const res = await t.request<{ data: Activity[] }>('GET', `/api/activity${query}`, { as })
    expect(res.status, JSON.stringify(res.body)).toBe(200)
    return res.body.data
  }
  const rowCount = async () =>
    Number(
      (await t.sql<{ n: unknown }>('select count(*) as n from backlex_collections_activity'))[0]?.n,
    )

  it('records entries of other plugins with their detail, read back by GET /api/activity', async () => {
    await t.request('POST', '/api/items/articles', { as: EDITOR, body: { title: 'One' } })
    const ids = await log().record({
      workspace: 'main',
      action: 'mcp.call',
      principal: editor,
      requestId: 'req-1',
      clientAddress: '203.0.113.7',
      detail: { tool: 'items.list', endpoint: 'agent', ok: true, durationMs: 3 },
    })
    expect(ids).toHaveLength(1)
    await log().record([
      { workspace: 'main', action: 'auth.login', principal: other, detail: { method: 'otp' } },
      {
        workspace: 'main',
        action: 'flows.run',
        principal: other,
        collection: 'articles',
        item: 1,
      },
      { workspace: 'main', action: 'mcp.call', principal: serviceKey, detail: { ok: false } },
    ])

    const all = await activityOf('', ADMIN)
    expect(all.map((a) => [a.action, a.userId ?? a.apiKeyId])).toEqual([
      ['mcp.call', 'key-svc'],
      ['flows.run', 'u-other'],
      ['auth.login', 'u-other'],
      ['mcp.call', 'u-editor'],
      ['item.create', 'u-editor'],
    ])
    expect(all[3]).toEqual({
      id: ids[0],
      action: 'mcp.call',
      collection: null,
      item: null,
      principalType: 'user',
      userId: 'u-editor',
      apiKeyId: null,
      clientAddress: '203.0.113.7',
      requestId: 'req-1',
      detail: { tool: 'items.list', endpoint: 'agent', ok: true, durationMs: 3 },
      createdAt: '2024-06-15T12:00:00.000Z',
    })
    // '' is how "none" is stored; the API never shows it.
    const stored = await t.sql<{ collection: string; item: string }>(
      `select collection, item from backlex_collections_activity where action = 'auth.login'`,
    )
    expect(stored).toEqual([{ collection: '', item: '' }])
    expect(all[1]).toMatchObject({ collection: 'articles', item: '1', detail: null })
    expect(all[4]).toMatchObject({ collection: 'articles', item: '1', detail: null })

    // Filters by the new action names; the old ones are not actions any more.
    expect((await activityOf('?action=mcp.call', ADMIN)).map((a) => a.id)).toHaveLength(2)
    expect((await activityOf('?action=item.create', ADMIN)).map((a) => a.action)).toEqual([
      'item.create',
    ])
    for (const action of ['create', 'drop', 'Item.create', 'item.', '.call']) {
      const res = await t.request('GET', `/api/activity?action=${action}`, { as: ADMIN })
      expect({ action, status: res.status, code: codeOf(res.body) }).toEqual({
        action,
        status: 400,
        code: 'VALIDATION_FAILED',
      })
    }

    // Non-admins: their own entries only; a user-less key: those with its id.
    expect((await activityOf('', EDITOR)).map((a) => a.action)).toEqual(['mcp.call', 'item.create'])
    expect((await activityOf('', { id: 'u-other', roles: ['editor'] })).length).toBe(2)
    // (Through the service: the test header cannot carry a null user id.)
    const svc = await log().list(
      { principal: serviceKey, workspace: 'main' },
      { limit: 10, offset: 0 },
    )
    expect(svc.map((a) => a.detail)).toEqual([{ ok: false }])
  })

  it("writes item.* entries in the write's transaction: a refused write leaves none", async () => {
    const before = await rowCount()
    const revisions = async () =>
      Number(
        (await t.sql<{ n: unknown }>('select count(*) as n from backlex_collections_revisions'))[0]
          ?.n,
      )
    const revisionsBefore = await revisions()
    // Refused after the item, its revision and its activity entry were written: all roll back.
    const res = await t.request('POST', '/api/items/articles', {
      as: EDITOR,
      body: [{ title: 'Two' }, { title: 'refuse at commit' }],
    })
    expect({ status: res.status, code: codeOf(res.body) }).toEqual({
      status: 422,
      code: 'TEST_REFUSED',
    })
    expect(await rowCount()).toBe(before)
    expect(await revisions()).toBe(revisionsBefore)
    // The same write without the refusal: one entry and one revision per item, linked.
    const ok = await t.request('POST', '/api/items/articles', {
      as: EDITOR,
      body: [{ title: 'Three' }, { title: 'Four' }],
    })
    expect(ok.status).toBeLessThan(300)
    expect(await rowCount()).toBe(before + 2)
    expect(await revisions()).toBe(revisionsBefore + 2)
    const linked = await t.sql<{ n: unknown }>(
      "select count(*) as n from backlex_collections_revisions r join backlex_collections_activity a on a.id = r.activity_id where a.action = 'item.create' and a.item = r.item",
    )
    expect(Number(linked[0]?.n)).toBe(revisionsBefore + 2)
    await expect(
      log().record({ workspace: 'main', action: 'item.create', principal: editor }),
    ).rejects.toMatchObject({ code: 'INVALID_ACTIVITY' })
  })
})

describe.each(dialects.filter((d) => d.available))(
  'collections without @backlex/activity on $dialect',
  (d) => {
    it("writes items and revisions; a revision's activity is null and /api/activity is not served", async () => {
      const database = await d.create()
      const app = createBacklex(
        defineConfig({
          plugins: [database.plugin(), testPrincipals(), permissions(), collections()],
          logger: silentLogger(),
          dev: true,
        }),
      )
      try {
        await app.boot()
        expect(app.tryGet(ActivityLog)).toBeUndefined()
        const system = { principal: systemPrincipal, workspace: 'main' }
        await app
          .get(Collections)
          .create('main', { slug: 'notes', fields: [{ name: 'title', type: 'string' }] })
        const items = app.get(Items)
        const created = (await items.create(system, 'notes', { title: 'One' })) as { id: number }
        await items.update(system, 'notes', created.id, { title: 'Two' })
        const revisions = await items.revisions(system, 'notes', String(created.id), {
          limit: 10,
          offset: 0,
        })
        expect(revisions.map((r) => [r.data?.title, r.activity])).toEqual([
          ['Two', null],
          ['One', null],
        ])
        const reverted = await items.revert(system, revisions[1]?.id ?? '')
        expect(reverted).toMatchObject({ title: 'One' })
        const res = await app.fetch(new Request('http://local/api/activity'))
        expect(res.status).toBe(404)
      } finally {
        await app.shutdown()
        await database.cleanup()
      }
    })

    it('runs on a database made when collections owned the log, with or without the log', async () => {
      const database = await d.create()
      const adapter =
        d.dialect === 'sqlite'
          ? createSqliteDatabase({ filename: database.location })
          : createPostgresDatabase({
              connectionString: database.location,
              searchPath: database.schema ?? 'public',
              max: 1,
            })
      // The tables as collections' migrations 0100 and 0101 made them: revisions with a NOT NULL
      // foreign key to the activity table, and one revision of an older write.
      try {
        const { db, dialect } = adapter
        await activityMigrations['0001_activity_log']?.up(db, dialect)
        const pg = dialect === 'postgres'
        await db.schema
          .createTable('backlex_collections_revisions')
          .addColumn('id', 'text', (c) => c.primaryKey())
          .addColumn('workspace', 'text', (c) => c.notNull())
          .addColumn('collection', 'text', (c) => c.notNull())
          .addColumn('item', 'text', (c) => c.notNull())
          .addColumn('activity_id', 'text', (c) =>
            c.notNull().references('backlex_collections_activity.id').onDelete('cascade'),
          )
          .addColumn('data', pg ? 'jsonb' : 'text')
          .addColumn('delta', pg ? 'jsonb' : 'text')
          .addColumn('created_at', pg ? 'timestamptz' : 'text', (c) => c.notNull())
          .execute()
        const at = pg ? sql`now()` : sql`'2024-01-01T00:00:00.000Z'`
        await sql`insert into backlex_collections_activity (id, workspace, action, collection, item, principal_type, created_at) values ('old-a', 'main', 'item.create', 'notes', '1', 'user', ${at})`.execute(
          db,
        )
        await sql`insert into backlex_collections_revisions (id, workspace, collection, item, activity_id, data, delta, created_at) values ('old-r', 'main', 'notes', '1', 'old-a', ${'{"title":"Old"}'}, null, ${at})`.execute(
          db,
        )
      } finally {
        await adapter.close()
      }
      const boot = async (plugins: Plugin[]) => {
        const app = createBacklex(
          defineConfig({
            plugins: [database.plugin(), testPrincipals(), permissions(), ...plugins],
            logger: silentLogger(),
            dev: true,
          }),
        )
        await app.boot()
        return app
      }
      const system = { principal: systemPrincipal, workspace: 'main' }
      try {
        // Without the log: writes still get revisions (no activity id), old rows stay.
        const app = await boot([collections()])
        try {
          await app.get(Collections).create('main', {
            slug: 'notes',
            fields: [{ name: 'title', type: 'string' }],
          })
          await app.get(Items).create(system, 'notes', { title: 'New' })
        } finally {
          await app.shutdown()
        }
        // With it again: the old revision shows its entry, the new one none.
        const again = await boot([activity(), collections()])
        try {
          await again.get(Items).update(system, 'notes', 1, { title: 'Newer' })
          const revisions = await again
            .get(Items)
            .revisions(system, 'notes', '1', { limit: 10, offset: 0 })
          expect(revisions.map((r) => [r.data?.title, r.activity?.action ?? null])).toEqual([
            ['Newer', 'item.update'],
            ['New', null],
            ['Old', 'item.create'],
          ])
        } finally {
          await again.shutdown()
        }
      } finally {
        await database.cleanup()
      }
    })
  },
)
