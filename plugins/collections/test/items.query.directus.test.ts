// The query language where Directus's answer is the reference, on both dialects: numbered bracket
// lists, `null` in bracket filters, filters through a many-to-one with no related row (LEFT JOIN
// semantics, agreeing with sort), numeric search terms, and which collection a 403 names.
import type { Principal } from '@backlex/kernel'
import { dialects } from '@backlex/test-utils'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ADMIN, codeOf, type ItemsApp, qs, startItemsApp } from './items-helpers/app.js'
import { createBlog, seedBlog } from './items-helpers/blog.js'

type List = { data: Record<string, unknown>[] }
type Failure = { errors: { message: string; extensions: Record<string, unknown> }[] }

// reader: published articles (1, 3, 4), authors outside the UK (Grace, Linus: not Ada).
const READER = { id: 'u-reader', roles: ['reader'] }
// limited: a few article fields, rating not among them; no rule on authors at all.
const LIMITED = { id: 'u-limited', roles: ['limited'] }
// split: titles of every article, but the author key only of published ones (not article 2).
const SPLIT = { id: 'u-split', roles: ['titles', 'bylines'] }

// The blog: article 1 (views 10, rating 4.5, price 12.50, author Ada/UK), 2 (draft, views 5,
// rating 3, price 1.00, author Grace/US, no published_at), 3 (views 30, no rating, price or day,
// author Ada), 4 (views 20, rating 2, price 3.10, no day, no author).
describe.each(dialects.filter((d) => d.available))(
  'Directus parity of the query language on $dialect',
  (dialect) => {
    let t: ItemsApp
    beforeAll(async () => {
      t = await startItemsApp(dialect)
      await createBlog(t)
      await seedBlog(t)
      await t.permit({
        role: 'reader',
        collection: 'articles',
        action: 'read',
        filter: { status: { _eq: 'published' } },
      })
      await t.permit({
        role: 'reader',
        collection: 'authors',
        action: 'read',
        filter: { country: { _neq: 'UK' } },
      })
      await t.permit({
        role: 'limited',
        collection: 'articles',
        action: 'read',
        fields: ['title', 'views', 'author'],
      })
      await t.permit({ role: 'titles', collection: 'articles', action: 'read', fields: ['title'] })
      await t.permit({
        role: 'bylines',
        collection: 'articles',
        action: 'read',
        filter: { status: { _eq: 'published' } },
        fields: ['title', 'author'],
      })
      await t.permit({ role: 'bylines', collection: 'authors', action: 'read' })
    })
    afterAll(() => t?.close())

    const list = async (query: string, as: Partial<Principal> = ADMIN) => {
      const res = await t.request<List>('GET', `/api/items/articles${query}`, { as })
      expect(res.status, JSON.stringify(res.body)).toBe(200)
      return res.body.data
    }
    const ids = async (query: string, as: Partial<Principal> = ADMIN) =>
      (await list(query.includes('sort') ? query : `${query}&sort=id`, as)).map((a) => a.id)
    const failure = async (query: string, as: Partial<Principal> = ADMIN) => {
      const res = await t.request<Failure>('GET', `/api/items/articles${query}`, { as })
      return { status: res.status, code: codeOf(res.body), error: res.body.errors?.[0] }
    }

    describe('numbered bracket lists (qs)', () => {
      it('reads _or, _in and _between with indices as lists', async () => {
        expect(await ids('?filter[_or][0][views][_lt]=6&filter[_or][1][views][_gt]=25')).toEqual([
          2, 3,
        ])
        expect(await ids('?filter[id][_in][0]=1&filter[id][_in][1]=4')).toEqual([1, 4])
        expect(await ids('?filter[views][_between][0]=10&filter[views][_between][1]=20')).toEqual([
          1, 4,
        ])
        expect(
          await ids('?filter[_and][0][_or][0][id][_eq]=1&filter[_and][0][_or][1][id][_eq]=2'),
        ).toEqual([1, 2])
      })

      it('closes gaps in index order, and a huge index allocates nothing', async () => {
        expect(await ids('?filter[id][_in][9]=3&filter[id][_in][2]=2')).toEqual([2, 3])
        expect(await ids('?filter[id][_in][99999999]=4')).toEqual([4])
        expect(
          await ids(
            '?filter[_or][5][views][_gt]=25&filter[_or][1][views][_lt]=6&filter[id][_in][]=2',
          ),
        ).toEqual([2])
      })

      it('reads indices in fields, sort, deep and aggregate too', async () => {
        expect(await list('?fields[0]=id&fields[1]=title&sort[0]=-views&limit=2')).toEqual([
          { id: 3, title: 'Third' },
          { id: 4, title: 'fourth' },
        ])
        expect(
          await list(
            '?fields[0]=id&fields[1]=comments.id&filter[id][_eq]=1&deep[comments][_sort][0]=-id',
          ),
        ).toEqual([{ id: 1, comments: [{ id: 2 }, { id: 1 }] }])
        expect(await list('?aggregate[sum][0]=views&aggregate[max][0]=views')).toEqual([
          { sum: { views: 65 }, max: { views: 30 } },
        ])
      })

      it('refuses positions mixed with names with a clear 400', async () => {
        expect(
          await failure('?filter[_or][0][views][_lt]=6&filter[_or][x][views][_gt]=25'),
        ).toMatchObject({ status: 400, code: 'INVALID_FILTER' })
        expect(await failure('?filter[id][_in][0]=1&filter[id][_in][0]=2')).toMatchObject({
          status: 400,
          code: 'INVALID_QUERY',
        })
      })
    })

    describe('null in bracket filters', () => {
      it('_eq=null and _neq=null are IS NULL and IS NOT NULL, on any field type', async () => {
        expect(await ids('?filter[rating][_eq]=null')).toEqual([3])
        expect(await ids('?filter[rating][_neq]=null')).toEqual([1, 2, 4])
        expect(await ids('?filter[day][_eq]=NULL')).toEqual([3, 4])
        expect(await ids('?filter[published_at][_eq]=null')).toEqual([2])
        expect(await ids('?filter[author][_eq]=null')).toEqual([4])
      })

      it('a null item of _in never matches, and _nin with one matches nothing (SQL)', async () => {
        expect(await ids('?filter[rating][_in]=2,null')).toEqual([4])
        expect(await ids('?filter[rating][_in][0]=null')).toEqual([])
        expect(await ids('?filter[rating][_nin]=2,null')).toEqual([])
        expect(await ids(qs({ filter: { rating: { _in: [2, null] } } }))).toEqual([4])
      })

      it('in deep filters too', async () => {
        expect(
          await list(
            '?fields=id,comments.id&filter[id][_eq]=1&deep[comments][_filter][body][_neq]=null',
          ),
        ).toEqual([{ id: 1, comments: [{ id: 1 }, { id: 2 }] }])
      })
    })

    describe('filters through a many-to-one with no related row', () => {
      it('read the missing author as a row of NULLs, as a LEFT JOIN does', async () => {
        const missing = { author: { country: { _null: true } } }
        expect(await ids(qs({ filter: missing }))).toEqual([4])
        expect(await ids('?filter[author][country][_null]=true')).toEqual([4])
        expect(await ids(qs({ filter: { author: { id: { _null: true } } } }))).toEqual(
          await ids('?filter[author][_null]=true'),
        )
        expect(await ids(qs({ filter: { 'author.name': { _empty: true } } }))).toEqual([4])
      })

      it('negations do not match the row of NULLs (NULL compares as unknown)', async () => {
        const through = (condition: unknown) => qs({ filter: { author: { country: condition } } })
        expect(await ids(through({ _neq: 'UK' }))).toEqual([2])
        expect(await ids(through({ _nnull: true }))).toEqual([1, 2, 3])
        expect(await ids(through({ _nin: ['US'] }))).toEqual([1, 3])
        expect(await ids(through({ _ncontains: 'K' }))).toEqual([2])
        expect(await ids(through({ _nempty: true }))).toEqual([1, 2, 3])
      })

      it('_and and _or inside the relation combine the row of NULLs like any row', async () => {
        const filter = (inner: unknown) => qs({ filter: { author: inner } })
        expect(
          await ids(filter({ _or: [{ country: { _null: true } }, { name: { _eq: 'Grace' } }] })),
        ).toEqual([2, 4])
        expect(
          await ids(filter({ _and: [{ country: { _null: true } }, { name: { _null: true } }] })),
        ).toEqual([4])
        expect(
          await ids(
            qs({ filter: { _or: [{ id: { _eq: 1 } }, { 'author.country': { _null: true } }] } }),
          ),
        ).toEqual([1, 4])
      })

      it('an author the caller may not read is missing, in filter and in sort alike', async () => {
        // reader may not read Ada (UK), so articles 1 and 3 have no author it can see.
        expect(await ids(qs({ filter: { author: { country: { _null: true } } } }), READER)).toEqual(
          [1, 3, 4],
        )
        expect(await ids(qs({ filter: { author: { name: { _eq: 'Ada' } } } }), READER)).toEqual([])
        // Sorting by the author's country puts the same three among the NULLs (last ascending).
        expect(await ids('?sort=author.country,id', READER)).toEqual([1, 3, 4])
      })

      it('a key the caller sees on some rows only is missing on the others, as in sort', async () => {
        // Article 2's author key is hidden from SPLIT: it reads as NULL, so no author there.
        expect(await ids(qs({ filter: { author: { country: { _null: true } } } }), SPLIT)).toEqual([
          2, 4,
        ])
        expect(await ids(qs({ filter: { author: { name: { _eq: 'Grace' } } } }), SPLIT)).toEqual([])
        expect(await ids('?sort=author.country,id', SPLIT)).toEqual([1, 3, 2, 4])
      })

      it('the items.list tool (MCP) answers the same', async () => {
        const principal: Principal = {
          type: 'user',
          id: 'admin-1',
          userId: 'admin-1',
          roles: ['admin'],
          admin: true,
        }
        const result = (await t.app.tools.call(
          'items.list',
          {
            collection: 'articles',
            filter: { author: { country: { _null: true } } },
            fields: ['id'],
          },
          { principal, workspace: 'main' },
        )) as { data: unknown[] }
        expect(result.data).toEqual([{ id: 4 }])
      })
    })

    describe('search with a number', () => {
      it('also matches numeric fields equal to it (integer, float, decimal, the key)', async () => {
        expect(await ids('?search=30')).toEqual([3])
        expect(await ids('?search=4.5')).toEqual([1])
        expect(await ids('?search=12.5')).toEqual([1])
        // rating 2 (article 4) and the key 2.
        expect(await ids('?search=2')).toEqual([2, 4])
        // A number no field equals, and no text holds: nothing.
        expect(await ids('?search=-5')).toEqual([])
      })

      it('only a number written plainly is one (Directus: String(Number(term)) === term)', async () => {
        expect(await ids('?search=030')).toEqual([])
        expect(await ids('?search=3e1')).toEqual([])
      })

      it('searches only numeric fields the caller may read', async () => {
        expect(await ids('?search=30', LIMITED)).toEqual([3])
        // rating is hidden from limited, so 4.5 finds nothing.
        expect(await ids('?search=4.5', LIMITED)).toEqual([])
      })
    })

    describe('a 403 names what is refused', () => {
      it('names the related collection the caller may not read, with FIELD_FORBIDDEN', async () => {
        for (const query of [
          '?fields=title,author.name',
          '?sort=author.name',
          '?filter[author][name][_eq]=Ada',
        ]) {
          const { status, code, error } = await failure(query, LIMITED)
          expect({ status, code }, query).toEqual({ status: 403, code: 'FIELD_FORBIDDEN' })
          expect(error?.message, query).toContain('"authors"')
          expect(error?.extensions, query).toMatchObject({
            collection: 'articles',
            field: 'author',
            related: 'authors',
          })
        }
      })

      it('still names a field the caller may not read itself', async () => {
        const { status, error } = await failure('?fields=title,rating', LIMITED)
        expect(status).toBe(403)
        expect(error?.message).toContain('field "rating" of "articles"')
        expect(error?.extensions).not.toHaveProperty('related')
      })
    })
  },
)
