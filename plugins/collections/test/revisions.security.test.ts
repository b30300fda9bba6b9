// Revisions and activity leak nothing of others: who made a change (user, API key, client
// address, request id) shows to admins, and to a caller on the entries it made itself; anyone
// else gets those fields null. Both dialects, REST (the audit trail has no MCP or GraphQL surface).
import type { Principal } from '@backlex/kernel'
import { dialects } from '@backlex/test-utils'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { Items } from '../src/index.js'
import { ADMIN, codeOf, type ItemsApp, startItemsApp } from './items-helpers/app.js'

type Activity = {
  principalType: string
  userId: string | null
  apiKeyId: string | null
  clientAddress: string | null
  requestId: string | null
}
type Revision = { delta: Record<string, unknown> | null; activity: Activity }

const ADA: Principal = {
  type: 'user',
  id: 'u-ada',
  userId: 'u-ada',
  roles: ['editor'],
  admin: false,
}
const KEY: Principal = {
  type: 'apiKey',
  id: 'key-bob',
  userId: 'u-bob',
  roles: ['editor'],
  admin: false,
}
const LONE_KEY: Principal = {
  type: 'apiKey',
  id: 'key-lone',
  userId: null,
  roles: ['editor'],
  admin: false,
}
const EVE = { id: 'u-eve', roles: ['editor'] }

const hidden = { userId: null, apiKeyId: null, clientAddress: null, requestId: null }

describe.each(dialects.filter((d) => d.available))('audit trail privacy on $dialect', (dialect) => {
  let t: ItemsApp
  const revisions = async (as?: Partial<Principal>) => {
    const res = await t.request<{ data: Revision[] }>('GET', '/api/revisions/notes/1', { as })
    expect(res.status).toBe(200)
    // Oldest first: Ada's create, Bob's key's update, the user-less key's update.
    return res.body.data.map((r) => r.activity).reverse()
  }

  beforeAll(async () => {
    t = await startItemsApp(dialect)
    await t.collection({ slug: 'notes', fields: [{ name: 'title', type: 'string' }] })
    await t.permit({ role: 'public', collection: 'notes', action: 'read' })
    for (const action of ['read', 'create', 'update'] as const) {
      await t.permit({ role: 'editor', collection: 'notes', action })
    }
    const items = t.app.get(Items)
    const from = (principal: Principal, clientAddress: string, requestId: string) => ({
      principal,
      workspace: 'main',
      clientAddress,
      requestId,
    })
    await items.create(from(ADA, '203.0.113.7', 'req-ada'), 'notes', { title: 'one' })
    await items.update(from(KEY, '198.51.100.9', 'req-bob'), 'notes', 1, { title: 'two' })
    await items.update(from(LONE_KEY, '192.0.2.1', 'req-lone'), 'notes', 1, { title: 'three' })
  })
  afterAll(() => t?.close())

  it('shows anonymous callers and other users nothing of who made each change', async () => {
    for (const as of [undefined, EVE]) {
      const seen = await revisions(as)
      expect(seen).toHaveLength(3)
      for (const activity of seen) expect(activity).toMatchObject(hidden)
      expect(JSON.stringify(seen)).not.toMatch(/203\.0\.113\.7|198\.51|192\.0\.2|req-|u-ada|key-/)
    }
  })

  it('shows a caller its own entries in full and nothing of the others', async () => {
    const [ada, bob, lone] = await revisions(ADA)
    expect(ada).toMatchObject({
      userId: 'u-ada',
      clientAddress: '203.0.113.7',
      requestId: 'req-ada',
    })
    expect(bob).toMatchObject(hidden)
    expect(lone).toMatchObject(hidden)
    // Bob through his session sees what his key did (the same user), not Ada's entry.
    const asBob = await revisions({ id: 'u-bob', roles: ['editor'] })
    expect(asBob[0]).toMatchObject(hidden)
    expect(asBob[1]).toMatchObject({
      userId: 'u-bob',
      apiKeyId: 'key-bob',
      clientAddress: '198.51.100.9',
      requestId: 'req-bob',
    })
    // A user-less key sees its own entries only (through the service: the test header cannot
    // carry a null user id).
    const asLone = (
      await t.app.get(Items).revisions({ principal: LONE_KEY, workspace: 'main' }, 'notes', '1', {
        limit: 10,
        offset: 0,
      })
    )
      .map((r) => r.activity)
      .reverse()
    expect(asLone[2]).toMatchObject({ apiKeyId: 'key-lone', clientAddress: '192.0.2.1' })
    expect(asLone[0]).toMatchObject(hidden)
    expect(asLone[1]).toMatchObject(hidden)
  })

  it('shows admins who made every change', async () => {
    const [ada, bob, lone] = await revisions(ADMIN)
    expect(ada).toMatchObject({ userId: 'u-ada', clientAddress: '203.0.113.7' })
    expect(bob).toMatchObject({ apiKeyId: 'key-bob', clientAddress: '198.51.100.9' })
    expect(lone).toMatchObject({ apiKeyId: 'key-lone', requestId: 'req-lone' })
  })

  it('lists to a non-admin only its own activity, to admins everyone', async () => {
    const own = await t.request<{ data: Activity[] }>('GET', '/api/activity?collection=notes', {
      as: ADA,
    })
    expect(own.body.data).toEqual([
      expect.objectContaining({ userId: 'u-ada', clientAddress: '203.0.113.7' }),
    ])
    const eve = await t.request<{ data: Activity[] }>('GET', '/api/activity', { as: EVE })
    expect(eve.body.data).toEqual([])
    const anonymous = await t.request('GET', '/api/activity')
    expect(anonymous.status).toBe(401)
    expect(codeOf(anonymous.body)).toBe('UNAUTHORIZED')
    const all = await t.request<{ data: Activity[] }>('GET', '/api/activity?collection=notes', {
      as: ADMIN,
    })
    expect(all.body.data.map((a) => a.clientAddress).sort()).toEqual([
      '192.0.2.1',
      '198.51.100.9',
      '203.0.113.7',
    ])
  })
})
