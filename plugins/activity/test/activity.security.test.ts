// Who reads what at GET /api/activity: admins everything of their workspace; everyone else only
// their own entries (a user's, or a user-less key's), never another workspace's; anonymous 401;
// the log cannot be written over HTTP. Both dialects.
import type { Principal } from '@backlex/kernel'
import { dialects } from '@backlex/test-utils'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type Activity, ActivityLog } from '../src/index.js'
import { type ActivityApp, ADMIN, codeOf, startActivityApp } from './helpers.js'

const user = (id: string, given: Partial<Principal> = {}): Principal => ({
  type: 'user',
  id,
  userId: id,
  roles: ['editor'],
  admin: false,
  ...given,
})
const ada = user('u-ada')
const bob = user('u-bob')
// A read-only API key of Ada's (its own id, her user id) and a user-less service key.
const adaKey = user('k-ada-ro', {
  type: 'apiKey',
  userId: 'u-ada',
  scopes: { readOnly: true, tools: null },
})
const serviceKey = user('k-svc', { type: 'apiKey', userId: null })

describe.each(dialects.filter((d) => d.available))('GET /api/activity on $dialect', (d) => {
  let t: ActivityApp
  beforeAll(async () => {
    t = await startActivityApp(d)
    const log = t.app.get(ActivityLog)
    const base = { requestId: 'r', clientAddress: '198.51.100.1', detail: { secret: 'no' } }
    await log.record([
      { ...base, workspace: 'main', action: 'auth.login', principal: ada },
      { ...base, workspace: 'main', action: 'mcp.call', principal: adaKey },
      { ...base, workspace: 'main', action: 'auth.login', principal: bob },
      { ...base, workspace: 'main', action: 'mcp.call', principal: serviceKey },
      { ...base, workspace: 'other', action: 'auth.login', principal: ada },
      { ...base, workspace: 'other', action: 'auth.login', principal: bob },
    ])
  })
  afterAll(() => t?.close())

  const read = async (as: Partial<Principal> | undefined, workspace?: string) => {
    const res = await t.request<{ data: Activity[] }>('GET', '/api/activity', {
      ...(as ? { as } : {}),
      ...(workspace ? { workspace } : {}),
    })
    return res
  }

  it('shows admins every entry of their workspace, and nothing of another', async () => {
    const res = await read(ADMIN)
    expect(res.status).toBe(200)
    expect(res.body.data).toHaveLength(4)
    expect(res.body.data.every((a) => a.clientAddress === '198.51.100.1')).toBe(true)
    const other = await read(ADMIN, 'other')
    expect(other.body.data.map((a) => a.userId).sort()).toEqual(['u-ada', 'u-bob'])
  })

  it("shows a user only its own entries (its keys included), hiding everyone else's rows", async () => {
    const res = await read({ id: 'u-ada', roles: ['editor'] })
    expect(res.status).toBe(200)
    expect(res.body.data.map((a) => [a.action, a.userId, a.apiKeyId])).toEqual([
      ['mcp.call', 'u-ada', 'k-ada-ro'],
      ['auth.login', 'u-ada', null],
    ])
    const bobs = await read({ id: 'u-bob', roles: ['editor'] })
    expect(bobs.body.data.map((a) => a.userId)).toEqual(['u-bob'])
    // Filters narrow what one may see, never widen it.
    const res2 = await t.request<{ data: Activity[] }>('GET', '/api/activity?action=auth.login', {
      as: { id: 'u-bob', roles: ['editor'] },
    })
    expect(res2.body.data.map((a) => a.userId)).toEqual(['u-bob'])
  })

  it("gives a read-only or user-less key its own entries only, and no other workspace's", async () => {
    const log = t.app.get(ActivityLog)
    const own = await log.list(
      { principal: serviceKey, workspace: 'main' },
      { limit: 50, offset: 0 },
    )
    expect(own.map((a) => a.apiKeyId)).toEqual(['k-svc'])
    const elsewhere = await log.list(
      { principal: serviceKey, workspace: 'other' },
      { limit: 50, offset: 0 },
    )
    expect(elsewhere).toEqual([])
    const ro = await log.list({ principal: adaKey, workspace: 'main' }, { limit: 50, offset: 0 })
    expect(ro.map((a) => a.userId)).toEqual(['u-ada', 'u-ada'])
    // Over HTTP: reading is what a read-only key may do; it sees its user's entries only.
    const res = await read(adaKey)
    expect(res.status).toBe(200)
    expect(res.body.data.map((a) => [a.action, a.userId])).toEqual([
      ['mcp.call', 'u-ada'],
      ['auth.login', 'u-ada'],
    ])
    const elsewhereHttp = await read(adaKey, 'other')
    expect(elsewhereHttp.body.data.map((a) => a.userId)).toEqual(['u-ada'])
  })

  it('shows who made an entry, by id, only to admins and its author', async () => {
    const log = t.app.get(ActivityLog)
    const all = await log.list(
      { principal: user('a', { admin: true }), workspace: 'main' },
      {
        limit: 50,
        offset: 0,
      },
    )
    const ids = all.map((a) => a.id)
    const asBob = await log.entries({ principal: bob, workspace: 'main' }, ids)
    for (const entry of asBob.values()) {
      if (entry.userId === 'u-bob') continue
      expect(entry).toMatchObject({
        userId: null,
        apiKeyId: null,
        clientAddress: null,
        requestId: null,
        detail: null,
      })
    }
    expect([...asBob.values()].filter((a) => a.userId === 'u-bob')).toHaveLength(1)
    // Ids of another workspace are not found from this one.
    expect((await log.entries({ principal: bob, workspace: 'other' }, ids)).size).toBe(0)
  })

  it('answers anonymous callers 401 and refuses writes over HTTP', async () => {
    const anonymous = await read(undefined)
    expect(anonymous.status).toBe(401)
    expect(codeOf(anonymous.body)).toBe('UNAUTHORIZED')
    for (const method of ['POST', 'PATCH', 'DELETE']) {
      const res = await t.request(method, '/api/activity', { as: ADMIN })
      expect(res.status).toBeGreaterThanOrEqual(404)
      expect(res.status).toBeLessThan(500)
    }
  })
})
