// Function fields over HTTP on both dialects: year() ... second() and count() in fields, filter,
// sort and groupBy, with Directus's answer keys; groupBy alone and sort by an aggregate; and the
// caller's field permissions applied to the field a function reads.
import { dialects } from '@backlex/test-utils'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ADMIN, codeOf, type ItemsApp, startItemsApp } from './items-helpers/app.js'
import { createBlog, seedBlog } from './items-helpers/blog.js'

type List = { data: Record<string, unknown>[] }

const READER = { id: 'u-reader', roles: ['reader'] }
const LIMITED = { id: 'u-limited', roles: ['limited'] }
const TAGGER = { id: 'u-tagger', roles: ['tagger'] }

describe.each(dialects.filter((d) => d.available))(
  'items function fields on $dialect',
  (dialect) => {
    let t: ItemsApp
    beforeAll(async () => {
      t = await startItemsApp(dialect)
      await createBlog(t)
      await seedBlog(t)
      // reader: every article, approved comments only, no tags at all.
      await t.permit({ role: 'reader', collection: 'articles', action: 'read' })
      await t.permit({
        role: 'reader',
        collection: 'comments',
        action: 'read',
        filter: { approved: { _eq: true } },
      })
      // tagger: every article, every tag but secret-tag.
      await t.permit({ role: 'tagger', collection: 'articles', action: 'read' })
      await t.permit({
        role: 'tagger',
        collection: 'tags',
        action: 'read',
        filter: { name: { _neq: 'secret-tag' } },
      })
      // limited: articles without published_at, comments or tags.
      await t.permit({
        role: 'limited',
        collection: 'articles',
        action: 'read',
        fields: ['title', 'status', 'views'],
      })
    })
    afterAll(() => t?.close())

    const list = async (query: string, as: Record<string, unknown> = ADMIN) => {
      const res = await t.request<List>('GET', `/api/items/articles${query}`, { as })
      expect(res.status, JSON.stringify(res.body)).toBe(200)
      return res.body.data
    }
    const error = async (query: string, as: Record<string, unknown> = ADMIN) => {
      const res = await t.request('GET', `/api/items/articles${query}`, { as })
      return { status: res.status, code: codeOf(res.body) }
    }

    it('answers date parts and related counts under Directus keys, in UTC with ISO weeks', async () => {
      const fields = [
        'id',
        'year(published_at)',
        'month(published_at)',
        'week(published_at)',
        'day(published_at)',
        'weekday(published_at)',
        'hour(published_at)',
        'minute(published_at)',
        'second(published_at)',
        'week(day)',
        'count(comments)',
        'count(tags)',
      ].join(',')
      const data = await list(`?fields=${fields}&sort=id`)
      expect(data[0]).toEqual({
        id: 1,
        published_at_year: 2024,
        published_at_month: 1,
        published_at_week: 1,
        published_at_day: 1,
        published_at_weekday: 1,
        published_at_hour: 10,
        published_at_minute: 0,
        published_at_second: 0,
        day_week: 1,
        comments_count: 2,
        tags_count: 2,
      })
      expect(data[1]).toMatchObject({
        id: 2,
        published_at_year: null,
        day_week: 5,
        comments_count: 0,
      })
      expect(data.map((a) => [a.published_at_week, a.published_at_weekday])).toEqual([
        [1, 1],
        [null, null],
        [9, 5],
        [14, 1],
      ])
      expect(data.map((a) => a.tags_count)).toEqual([2, 1, 1, 0])
    })

    it('filters on date parts, in JSON and bracket form', async () => {
      const ids = async (q: string) => (await list(`${q}&fields=id&sort=id`)).map((a) => a.id)
      expect(await ids('?filter[month(published_at)][_gte]=3')).toEqual([3, 4])
      expect(await ids(`?filter=${encodeURIComponent('{"year(day)":2024}')}`)).toEqual([1, 2])
      expect(await ids('?filter[weekday(published_at)][_in]=1,5')).toEqual([1, 3, 4])
      expect(await ids('?filter[hour(published_at)][_null]=true')).toEqual([2])
      expect(
        await ids(
          `?filter=${encodeURIComponent('{"_or":[{"week(published_at)":9},{"views":5}]}')}`,
        ),
      ).toEqual([2, 3])
    })

    it('filters on counts of related items, those the caller may read only', async () => {
      const ids = async (q: string, as: Record<string, unknown> = ADMIN) =>
        (await list(`${q}&fields=id&sort=id`, as)).map((a) => a.id)
      expect(await ids('?filter[count(comments)][_gt]=1')).toEqual([1])
      expect(await ids('?filter[count(comments)][_eq]=0')).toEqual([2, 4])
      expect(await ids(`?filter=${encodeURIComponent('{"count(tags)":{"_gte":1}}')}`)).toEqual([
        1, 2, 3,
      ])
      expect(await ids('?filter[count(comments)][_gte]=1', READER)).toEqual([1, 3])
      expect(await ids('?filter[count(comments)][_gt]=1', READER)).toEqual([])
      expect(await ids('?filter[count(tags)][_eq]=0', TAGGER)).toEqual([2, 4])
      const counts = await list('?fields=id,count(tags)&sort=id', TAGGER)
      expect(counts.map((a) => a.tags_count)).toEqual([2, 0, 1, 0])
      expect(await error('?filter[count(comments)][_gt]=0', LIMITED)).toEqual({
        status: 403,
        code: 'FIELD_FORBIDDEN',
      })
      expect(await error('?filter[count(author)][_gt]=0')).toEqual({
        status: 400,
        code: 'INVALID_FILTER',
      })
    })

    it('sorts by functions, NULL above every value', async () => {
      const ids = async (q: string) => (await list(`${q}&fields=id`)).map((a) => a.id)
      expect(await ids('?sort=-month(published_at)')).toEqual([2, 4, 3, 1])
      expect(await ids('?sort=weekday(published_at),-id')).toEqual([4, 1, 3, 2])
      expect(await ids('?sort=-count(comments),id')).toEqual([1, 3, 2, 4])
    })

    it('groups by functions, and answers the distinct groups without an aggregate', async () => {
      expect(await list('?groupBy=year(published_at)&aggregate[count]=*')).toEqual([
        { published_at_year: 2024, count: 3 },
        { published_at_year: null, count: 1 },
      ])
      expect(await list('?groupBy=status')).toEqual([{ status: 'draft' }, { status: 'published' }])
      expect(await list('?groupBy[]=status&groupBy[]=featured&sort=-status,featured')).toEqual([
        { status: 'published', featured: false },
        { status: 'published', featured: true },
        { status: 'draft', featured: false },
      ])
    })

    it('aggregates date parts, keyed as written', async () => {
      expect(
        await list('?aggregate[min]=year(published_at)&aggregate[max]=month(published_at)'),
      ).toEqual([{ min: { 'year(published_at)': 2024 }, max: { 'month(published_at)': 4 } }])
      expect(await list('?aggregate[countDistinct]=weekday(published_at)&groupBy=status')).toEqual([
        { status: 'draft', countDistinct: { 'weekday(published_at)': 0 } },
        { status: 'published', countDistinct: { 'weekday(published_at)': 2 } },
      ])
      expect(await error('?aggregate[sum]=count(comments)')).toEqual({
        status: 400,
        code: 'INVALID_QUERY',
      })
      expect(await error('?aggregate[max]=year(published_at)', LIMITED)).toEqual({
        status: 403,
        code: 'FIELD_FORBIDDEN',
      })
    })

    it('sorts groups by an aggregate', async () => {
      expect(await list('?aggregate[count]=*&groupBy=status&sort=-count')).toEqual([
        { status: 'published', count: 3 },
        { status: 'draft', count: 1 },
      ])
      expect(await list('?aggregate[sum]=views&groupBy=status&sort=-sum.views')).toEqual([
        { status: 'published', sum: { views: 60 } },
        { status: 'draft', sum: { views: 5 } },
      ])
      expect(await list('?aggregate[count]=*&groupBy=owner&sort=count,-owner')).toEqual([
        { owner: 'u-other', count: 2 },
        { owner: 'u-editor', count: 2 },
      ])
      expect(await error('?aggregate[count]=*&groupBy=status&sort=sum.views')).toEqual({
        status: 400,
        code: 'INVALID_QUERY',
      })
    })

    it('counts only related items the caller may read', async () => {
      const data = await list('?fields=id,count(comments)&sort=id', READER)
      expect(data.map((a) => a.comments_count)).toEqual([1, 0, 1, 0])
      expect(await error('?fields=count(tags)', READER)).toEqual({
        status: 403,
        code: 'FIELD_FORBIDDEN',
      })
    })

    it('refuses a function over a field the caller may not read, wherever it is named', async () => {
      for (const query of [
        '?fields=year(published_at)',
        '?filter[year(published_at)][_eq]=2024',
        '?sort=-year(published_at)',
        '?groupBy=year(published_at)',
        '?fields=title,count(comments)',
      ]) {
        expect(await error(query, LIMITED), query).toEqual({ status: 403, code: 'FIELD_FORBIDDEN' })
      }
      expect(await list('?fields=title&filter[views][_gt]=5&sort=id', LIMITED)).toHaveLength(3)
    })

    it('refuses functions that do not apply, with a 400 naming the place', async () => {
      expect(await error('?fields=year(title)')).toEqual({ status: 400, code: 'INVALID_QUERY' })
      expect(await error('?fields=hour(day)')).toEqual({ status: 400, code: 'INVALID_QUERY' })
      expect(await error('?fields=decade(day)')).toEqual({ status: 400, code: 'INVALID_QUERY' })
      expect(await error('?fields=count(author)')).toEqual({ status: 400, code: 'INVALID_QUERY' })
      expect(await error('?fields=year(nope)')).toEqual({ status: 400, code: 'UNKNOWN_FIELD' })
      expect(await error('?filter[year(title)][_eq]=1')).toEqual({
        status: 400,
        code: 'INVALID_FILTER',
      })
      expect(await error('?filter[month(published_at)][_eq]=soon')).toEqual({
        status: 400,
        code: 'INVALID_FILTER',
      })
      expect(await error('?sort=year(title)')).toEqual({ status: 400, code: 'INVALID_QUERY' })
    })
  },
)
