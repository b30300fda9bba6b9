// The ActivityLog service (`backlex.activity`): other plugins' entries in the one activity log,
// read through GET /api/activity with their detail; bad entries write nothing; the 0101
// migration renames the item actions, on both dialects.
import type { Principal } from '@backlex/kernel'
import { createPostgresDatabase } from '@backlex/postgres'
import { createSqliteDatabase } from '@backlex/sqlite'
import { dialects } from '@backlex/test-utils'
import { sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { activityMigrations } from '../src/activity/index.js'
import { type Activity, ActivityLog, Items } from '../src/index.js'
import { ADMIN, codeOf, type ItemsApp, startItemsApp } from './items-helpers/app.js'

const EDITOR = { id: 'u-editor', roles: ['editor'] }
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
    t = await startItemsApp(d)
    await t.collection({ slug: 'articles', fields: [{ name: 'title', type: 'string' }] })
    await t.permit({ role: 'editor', collection: 'articles', action: 'create' })
  })
  afterAll(() => t?.close())

  const log = () => t.app.get(ActivityLog)
  const activity = async (query: string, as: object) => {
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

    const all = await activity('', ADMIN)
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
    expect((await activity('?action=mcp.call', ADMIN)).map((a) => a.id)).toHaveLength(2)
    expect((await activity('?action=item.create', ADMIN)).map((a) => a.action)).toEqual([
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
    expect((await activity('', EDITOR)).map((a) => a.action)).toEqual(['mcp.call', 'item.create'])
    expect((await activity('', { id: 'u-other', roles: ['editor'] })).length).toBe(2)
    // (Through the Items service: the test header cannot carry a null user id.)
    const svc = await t.app
      .get(Items)
      .activity({ principal: serviceKey, workspace: 'main' }, { limit: 10, offset: 0 })
    expect(svc.map((a) => a.detail)).toEqual([{ ok: false }])
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

describe.each(dialects.filter((d) => d.available))('the 0101 migration on $dialect', (d) => {
  it('adds detail and renames item actions to item.*, and back down', async () => {
    const database = await d.create()
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
      const init = activityMigrations['0100_items_activity_revisions']
      const detail = activityMigrations['0101_activity_detail']
      if (!init || !detail?.down) throw new Error('migrations missing')
      await init.up(db, dialect)
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
      await detail.up(db, dialect)
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
      await detail.down(db, dialect)
      expect(await actions()).toEqual(['create', 'update', 'delete', 'mcp.call'])
    } finally {
      await adapter.close()
      await database.cleanup()
    }
  })
})
