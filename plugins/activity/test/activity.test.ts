// The ActivityLog service (`backlex.activity`): entries of any plugin read back by GET
// /api/activity with their detail; bad entries write nothing; writes through a given transaction
// commit or roll back with it; the 0001 migration takes over a table made by
// @backlex/collections before the log had its own package. Both dialects.
import { createBacklex, defineConfig, type Principal } from '@backlex/kernel'
import { permissions } from '@backlex/permissions'
import { createPostgresDatabase } from '@backlex/postgres'
import { createSqliteDatabase } from '@backlex/sqlite'
import { dialects, silentLogger, type TestDatabase, testPrincipals } from '@backlex/test-utils'
import { sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type Activity, ActivityLog, activity, activityMigrations } from '../src/index.js'
import { type ActivityApp, ADMIN, codeOf, startActivityApp } from './helpers.js'

const editor = principal({ id: 'u-editor', userId: 'u-editor', roles: ['editor'] })
const other = principal({ id: 'u-other', userId: 'u-other', roles: ['editor'] })
const serviceKey = principal({ type: 'apiKey', id: 'key-svc', userId: null, roles: ['editor'] })

function principal(given: Partial<Principal>): Principal {
  return { type: 'user', id: 'u1', userId: 'u1', roles: [], admin: false, ...given }
}

describe.each(dialects.filter((d) => d.available))('the activity log service on $dialect', (d) => {
  let t: ActivityApp
  beforeAll(async () => {
    t = await startActivityApp(d)
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

  it('records entries with their detail, read back by GET /api/activity', async () => {
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
      { workspace: 'main', action: 'flows.run', principal: other, collection: 'articles', item: 1 },
      { workspace: 'main', action: 'mcp.call', principal: serviceKey, detail: { ok: false } },
    ])
    const all = await activityOf('', ADMIN)
    expect(all.map((a) => [a.action, a.userId ?? a.apiKeyId])).toEqual([
      ['mcp.call', 'key-svc'],
      ['flows.run', 'u-other'],
      ['auth.login', 'u-other'],
      ['mcp.call', 'u-editor'],
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
      createdAt: expect.any(String),
    })
    // '' is how "none" is stored; the API never shows it.
    const stored = await t.sql<{ collection: string; item: string }>(
      `select collection, item from backlex_collections_activity where action = 'auth.login'`,
    )
    expect(stored).toEqual([{ collection: '', item: '' }])
    expect(all[1]).toMatchObject({ collection: 'articles', item: '1', detail: null })
    expect((await activityOf('?action=mcp.call', ADMIN)).map((a) => a.id)).toHaveLength(2)
    for (const action of ['create', 'drop', 'Item.create', 'item.', '.call']) {
      const res = await t.request('GET', `/api/activity?action=${action}`, { as: ADMIN })
      expect({ action, status: res.status, code: codeOf(res.body) }).toEqual({
        action,
        status: 400,
        code: 'VALIDATION_FAILED',
      })
    }
    expect((await activityOf('', { id: 'u-editor', roles: ['editor'] })).length).toBe(1)
    const svc = await log().list(
      { principal: serviceKey, workspace: 'main' },
      { limit: 10, offset: 0 },
    )
    expect(svc.map((a) => a.detail)).toEqual([{ ok: false }])
  })

  it('writes through a given transaction: the entries roll back with it', async () => {
    const before = await rowCount()
    const db = t.db
    await expect(
      db.transaction().execute(async (trx) => {
        await log().record(
          { workspace: 'main', action: 'flows.run', principal: editor },
          { db: trx },
        )
        throw new Error('rolled back')
      }),
    ).rejects.toThrow('rolled back')
    expect(await rowCount()).toBe(before)
    await db.transaction().execute(async (trx) => {
      await log().record({ workspace: 'main', action: 'flows.run', principal: editor }, { db: trx })
    })
    expect(await rowCount()).toBe(before + 1)
    // item.* only with itemWrites (the items API's), and then at the given time.
    const at = new Date('2024-01-02T03:04:05.000Z')
    const [id] = await log().record(
      { workspace: 'main', action: 'item.create', principal: editor, collection: 'a', item: 1 },
      { itemWrites: true, at },
    )
    const byId = await log().entries({ principal: editor, workspace: 'main' }, [id ?? ''])
    expect(byId.get(id ?? '')).toMatchObject({ action: 'item.create', createdAt: at.toISOString() })
  })

  it('refuses entries it cannot store with INVALID_ACTIVITY, and writes none of a bad batch', async () => {
    const before = await rowCount()
    const base = { workspace: 'main', principal: editor }
    const refused = async (entries: Parameters<ReturnType<typeof log>['record']>[0]) => {
      try {
        await log().record(entries)
      } catch (error) {
        return {
          code: (error as { code?: string }).code,
          status: (error as { status?: number }).status,
        }
      }
      return 'written'
    }
    const invalid = { code: 'INVALID_ACTIVITY', status: 400 }
    expect(await refused({ ...base, action: 'call' })).toEqual(invalid)
    expect(await refused({ ...base, action: 'MCP.Call' })).toEqual(invalid)
    expect(await refused({ ...base, action: 'item.update' })).toEqual(invalid)
    expect(await refused({ ...base, action: 'mcp.call', workspace: '' })).toEqual(invalid)
    expect(
      await refused({ ...base, action: 'mcp.call', detail: [1, 2] as unknown as object } as never),
    ).toEqual(invalid)
    expect(
      await refused({ ...base, action: 'mcp.call', detail: { big: 'x'.repeat(20_000) } }),
    ).toEqual(invalid)
    expect(
      await refused([
        { ...base, action: 'mcp.call' },
        { ...base, action: 'not namespaced' },
      ]),
    ).toEqual(invalid)
    expect(await rowCount()).toBe(before)
    expect(await log().record([])).toEqual([])
  })
})

describe.each(dialects.filter((d) => d.available))('the 0001 migration on $dialect', (d) => {
  let database: TestDatabase
  beforeAll(async () => {
    database = await d.create()
  })
  afterAll(() => database?.cleanup())

  it('takes over the table @backlex/collections made: adds detail, renames item actions, keeps rows', async () => {
    const adapter =
      d.dialect === 'sqlite'
        ? createSqliteDatabase({ filename: database.location })
        : createPostgresDatabase({
            connectionString: database.location,
            searchPath: database.schema ?? 'public',
            max: 1,
          })
    try {
      const { db, dialect } = adapter
      const timestamp = dialect === 'postgres' ? 'timestamptz' : 'text'
      // The table as collections' 0100 migration made it, before `detail`.
      await db.schema
        .createTable('backlex_collections_activity')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('workspace', 'text', (c) => c.notNull())
        .addColumn('action', 'text', (c) => c.notNull())
        .addColumn('collection', 'text', (c) => c.notNull())
        .addColumn('item', 'text', (c) => c.notNull())
        .addColumn('principal_type', 'text', (c) => c.notNull())
        .addColumn('user_id', 'text')
        .addColumn('api_key_id', 'text')
        .addColumn('client_address', 'text')
        .addColumn('request_id', 'text')
        .addColumn('created_at', timestamp, (c) => c.notNull())
        .execute()
      const at = dialect === 'postgres' ? sql`now()` : sql`'2024-01-01T00:00:00.000Z'`
      for (const [id, action] of [
        ['a1', 'create'],
        ['a2', 'update'],
        ['a3', 'delete'],
      ]) {
        await sql`insert into backlex_collections_activity (id, workspace, action, collection, item, principal_type, created_at) values (${id}, 'main', ${action}, 'articles', '1', 'user', ${at})`.execute(
          db,
        )
      }
      const migration = activityMigrations['0001_activity_log']
      if (!migration) throw new Error('migration missing')
      await migration.up(db, dialect)
      // Running it again (a second app on the same database) changes nothing.
      await migration.up(db, dialect)
      const actions = async () =>
        (
          await sql<{
            action: string
          }>`select action from backlex_collections_activity order by id`.execute(db)
        ).rows.map((r) => r.action)
      expect(await actions()).toEqual(['item.create', 'item.update', 'item.delete'])
      await sql`insert into backlex_collections_activity (id, workspace, action, collection, item, principal_type, detail, created_at) values ('a4', 'main', 'mcp.call', '', '', 'apiKey', ${JSON.stringify({ ok: true })}, ${at})`.execute(
        db,
      )
      expect(await actions()).toEqual(['item.create', 'item.update', 'item.delete', 'mcp.call'])
    } finally {
      await adapter.close()
    }
  })

  it('boots an app on that database: the rows are there, recorded in its own migration table', async () => {
    const app = createBacklex(
      defineConfig({
        plugins: [database.plugin(), testPrincipals(), permissions(), activity()],
        logger: silentLogger(),
        dev: true,
      }),
    )
    try {
      await app.boot()
      const list = await app
        .get(ActivityLog)
        .list(
          { principal: principal({ admin: true, roles: ['admin'] }), workspace: 'main' },
          { limit: 10, offset: 0 },
        )
      expect(list.map((a) => a.action).sort()).toEqual([
        'item.create',
        'item.delete',
        'item.update',
        'mcp.call',
      ])
      const status = await app.migrationStatus()
      expect(status.find((s) => s.plugin === '@backlex/activity')?.table).toBe(
        'backlex_activity_migrations',
      )
    } finally {
      await app.shutdown()
    }
  })
})
