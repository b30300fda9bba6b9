// Revisions, reverting, and the activity log over HTTP on both dialects, with permissions.

import type { Activity } from '@backlex/activity'
import { dialects } from '@backlex/test-utils'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { Revision } from '../src/index.js'
import { ADMIN, codeOf, type ItemsApp, startItemsApp } from './items-helpers/app.js'
import { createBlog, seedBlog } from './items-helpers/blog.js'

const EDITOR = { id: 'u-editor', roles: ['editor'] }
const OTHER = { id: 'u-other', roles: ['editor'] }
const LIMITED = { id: 'u-limited', roles: ['limited'] }
const KEY = { type: 'apiKey' as const, id: 'key-1', userId: 'u-editor', roles: ['editor'] }

describe.each(dialects.filter((d) => d.available))(
  'revisions and activity on $dialect',
  (dialect) => {
    let t: ItemsApp
    beforeEach(async () => {
      t = await startItemsApp(dialect)
      await createBlog(t)
      await seedBlog(t)
      await t.permit({ role: 'editor', collection: 'articles', action: 'read' })
      await t.permit({ role: 'editor', collection: 'articles', action: 'create' })
      await t.permit({
        role: 'editor',
        collection: 'articles',
        action: 'update',
        filter: { owner: { _eq: '$CURRENT_USER' } },
      })
      await t.permit({ role: 'limited', collection: 'articles', action: 'read', fields: ['title'] })
    })
    afterEach(() => t.close())

    const history = async (id: number, as: object = EDITOR) =>
      t.request<{ data: Revision[] }>('GET', `/api/revisions/articles/${id}`, { as })

    it("lists an item's revisions newest first, with only the fields the caller may read", async () => {
      const created = await t.request<{ data: { id: number } }>('POST', '/api/items/articles', {
        as: EDITOR,
        body: { title: 'Draft', owner: 'u-editor' },
      })
      const id = created.body.data.id
      t.clock.set(new Date('2024-06-15T13:00:00.000Z'))
      await t.request('PATCH', `/api/items/articles/${id}`, {
        as: EDITOR,
        body: { title: 'Better' },
      })
      await t.request('PATCH', `/api/items/articles/${id}`, { as: KEY, body: { views: 3 } })
      const res = await history(id)
      expect(res.status).toBe(200)
      expect(res.body.data.map((r) => r.delta)).toEqual([
        { views: 3 },
        { title: 'Better' },
        { title: 'Draft', owner: 'u-editor' },
      ])
      expect(res.body.data[0]).toMatchObject({
        collection: 'articles',
        item: String(id),
        data: { id, title: 'Better', views: 3, status: 'draft', owner: 'u-editor' },
        createdAt: '2024-06-15T13:00:00.000Z',
        activity: {
          action: 'item.update',
          principalType: 'apiKey',
          userId: 'u-editor',
          apiKeyId: 'key-1',
          createdAt: '2024-06-15T13:00:00.000Z',
        },
      })
      expect(res.body.data[2]?.activity).toMatchObject({
        action: 'item.create',
        principalType: 'user',
        userId: 'u-editor',
        apiKeyId: null,
        createdAt: '2024-06-15T12:00:00.000Z',
      })
      const limited = await history(id, LIMITED)
      expect(limited.body.data.map((r) => r.delta)).toEqual([
        {},
        { title: 'Better' },
        { title: 'Draft' },
      ])
      expect(limited.body.data[0]?.data).toEqual({ id, title: 'Better' })
      expect(codeOf((await history(99)).body)).toBe('ITEM_NOT_FOUND')
      expect(codeOf((await history(id, { id: 'x', roles: [] })).body)).toBe('FORBIDDEN')
      expect(
        codeOf((await t.request('GET', '/api/revisions/articles/abc', { as: EDITOR })).body),
      ).toBe('INVALID_ID')
    })

    it('reverts an item to a revision, as an update the caller must be allowed to make', async () => {
      const created = await t.request<{ data: { id: number } }>('POST', '/api/items/articles', {
        as: EDITOR,
        body: { title: 'One', owner: 'u-editor' },
      })
      const id = created.body.data.id
      await t.request('PATCH', `/api/items/articles/${id}`, {
        as: EDITOR,
        body: { title: 'Two', views: 9 },
      })
      const revisions = (await history(id)).body.data
      const first = revisions[1]?.id ?? ''
      const denied = await t.request('POST', `/api/revisions/${first}/revert`, { as: OTHER })
      expect({ status: denied.status, code: codeOf(denied.body) }).toEqual({
        status: 403,
        code: 'FORBIDDEN',
      })
      const hidden = await t.request('POST', `/api/revisions/${first}/revert`, {
        as: { id: 'x', roles: [] },
      })
      expect({ status: hidden.status, code: codeOf(hidden.body) }).toEqual({
        status: 404,
        code: 'REVISION_NOT_FOUND',
      })
      const missing = await t.request('POST', '/api/revisions/nope/revert', { as: ADMIN })
      expect({ status: missing.status, code: codeOf(missing.body) }).toEqual({
        status: 404,
        code: 'REVISION_NOT_FOUND',
      })
      const reverted = await t.request<{ data: Record<string, unknown> }>(
        'POST',
        `/api/revisions/${first}/revert`,
        { as: EDITOR },
      )
      expect(reverted.status).toBe(200)
      expect(reverted.body.data).toMatchObject({ id, title: 'One', views: 0 })
      const after = (await history(id)).body.data
      expect(after).toHaveLength(3)
      expect(after[0]?.delta).toEqual({ title: 'One', views: 0 })
    })

    it('shows admins every activity and everyone else their own', async () => {
      await t.request('POST', '/api/items/articles', {
        as: EDITOR,
        body: { title: 'Mine', owner: 'u-editor' },
      })
      await t.request('POST', '/api/items/articles', {
        as: OTHER,
        body: { title: 'Theirs', owner: 'u-other' },
      })
      await t.request('PATCH', '/api/items/articles/5', { as: KEY, body: { views: 1 } })
      const all = await t.request<{ data: Activity[] }>('GET', '/api/activity', { as: ADMIN })
      expect(all.body.data.map((a) => [a.action, a.userId, a.item])).toEqual([
        ['item.update', 'u-editor', '5'],
        ['item.create', 'u-other', '6'],
        ['item.create', 'u-editor', '5'],
      ])
      const own = await t.request<{ data: Activity[] }>('GET', '/api/activity', { as: EDITOR })
      expect(own.body.data.map((a) => a.item)).toEqual(['5', '5'])
      const filtered = await t.request<{ data: Activity[] }>(
        'GET',
        '/api/activity?action=item.create&collection=articles&limit=1',
        { as: ADMIN },
      )
      expect(filtered.body.data.map((a) => a.item)).toEqual(['6'])
      expect(
        (
          await t.request<{ data: Activity[] }>('GET', '/api/activity', {
            as: { id: 'nobody', roles: [] },
          })
        ).body.data,
      ).toEqual([])
      expect(codeOf((await t.request('GET', '/api/activity')).body)).toBe('UNAUTHORIZED')
      expect(
        codeOf((await t.request('GET', '/api/activity?action=drop', { as: ADMIN })).body),
      ).toBe('VALIDATION_FAILED')
    })
  },
)
