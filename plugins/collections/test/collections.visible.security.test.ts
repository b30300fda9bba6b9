// The collections tools draw the schema per caller, as /api/openapi does: only collections it
// has a rule on, only fields it may read, no relation to a collection it may not read, and no
// physical table or junction names for non-admins. Both dialects.
import type { Principal } from '@backlex/kernel'
import { systemPrincipal } from '@backlex/kernel'
import { dialects } from '@backlex/test-utils'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ADMIN, codeOf, type ItemsApp, startItemsApp } from './items-helpers/app.js'
import { createBlog } from './items-helpers/blog.js'

type View = {
  slug: string
  table?: string
  fields: { name: string }[]
  relations: Record<string, unknown>[]
}

const FAN: Principal = { type: 'user', id: 'u-fan', userId: 'u-fan', roles: ['fan'], admin: false }
const VIEWER: Principal = {
  type: 'user',
  id: 'u-viewer',
  userId: 'u-viewer',
  roles: ['viewer'],
  admin: false,
}

describe.each(dialects.filter((d) => d.available))(
  'collections as callers see them on $dialect',
  (dialect) => {
    let t: ItemsApp
    const call = async <T>(name: string, input: unknown, principal: Principal = VIEWER) =>
      (await t.app.tools.call(name, input, { principal, workspace: 'main' })) as T

    beforeAll(async () => {
      t = await startItemsApp(dialect)
      await createBlog(t)
      // viewer: a few fields of articles, every comment; may create authors but not read them;
      // nothing on tags.
      await t.permit({
        role: 'viewer',
        collection: 'articles',
        action: 'read',
        fields: ['title', 'author'],
      })
      await t.permit({ role: 'viewer', collection: 'comments', action: 'read' })
      await t.permit({ role: 'viewer', collection: 'authors', action: 'create' })
      // fan: every field of articles, only the body of comments.
      await t.permit({ role: 'fan', collection: 'articles', action: 'read' })
      await t.permit({ role: 'fan', collection: 'comments', action: 'read', fields: ['body'] })
    })
    afterAll(() => t?.close())

    it('lists only collections the caller has a rule on, without tables or hidden targets', async () => {
      const shown = await call<View[]>('collections.list', {})
      expect(shown.map((c) => c.slug).sort()).toEqual(['articles', 'authors', 'comments'])
      const text = JSON.stringify(shown)
      expect(text).not.toMatch(/c_main_|"table"|junction|sourceColumn|targetColumn|secret|"tags"/)
      const bySlug = new Map(shown.map((c) => [c.slug, c]))
      const articles = bySlug.get('articles') as View
      expect(articles.fields.map((f) => f.name)).toEqual(['title'])
      // author leads to authors, which the viewer may not read: its key stays, not its target.
      expect(articles.relations).toEqual([{ type: 'm2o', field: 'author' }])
      expect(bySlug.get('authors')).toMatchObject({ fields: [], relations: [] })
      expect(bySlug.get('comments')?.relations).toEqual([
        {
          type: 'm2o',
          field: 'article',
          collection: 'articles',
          onDelete: 'cascade',
          required: false,
        },
      ])
    })

    it('shows a relation to a readable collection, its back reference only when readable', async () => {
      const articles = await call<View>('collections.get', { slug: 'articles' }, FAN)
      expect(articles.fields.map((f) => f.name)).toContain('secret')
      // tags and author lead where the fan may not read; comments' `article` field is hidden.
      expect(articles.relations).toEqual([
        { type: 'm2o', field: 'author' },
        { type: 'o2m', field: 'comments', collection: 'comments' },
      ])
      expect(JSON.stringify(articles)).not.toMatch(/c_main_|junction|Column/)
    })

    it('gets and describes one collection the same way; others are not found', async () => {
      const articles = await call<View>('collections.get', { slug: 'articles' })
      expect(articles).not.toHaveProperty('table')
      expect(articles.relations).toEqual([{ type: 'm2o', field: 'author' }])
      const fields = await call<Record<string, unknown>[]>('collections.fields', {
        slug: 'articles',
      })
      expect(fields).toEqual([
        { name: 'id', type: 'integer', primaryKey: true },
        { name: 'title', type: 'string', required: true },
        { name: 'author', relation: 'm2o' },
      ])
      for (const slug of ['tags', 'nothing_here']) {
        await expect(call('collections.get', { slug })).rejects.toMatchObject({
          code: 'COLLECTION_NOT_FOUND',
        })
      }
    })

    it('shows admins every collection with its table', async () => {
      const shown = await call<View[]>('collections.list', {}, systemPrincipal)
      expect(shown.map((c) => c.slug).sort()).toEqual(['articles', 'authors', 'comments', 'tags'])
      expect(shown.find((c) => c.slug === 'articles')?.table).toBe('c_main_articles')
    })

    it('keeps GET /api/collections for admins only', async () => {
      const res = await t.request('GET', '/api/collections', {
        as: { id: 'u-viewer', roles: ['viewer'] },
      })
      expect(res.status).toBe(403)
      expect(codeOf(res.body)).toBe('FORBIDDEN')
      expect((await t.request('GET', '/api/collections')).status).toBe(401)
      expect((await t.request('GET', '/api/collections', { as: ADMIN })).status).toBe(200)
    })
  },
)
