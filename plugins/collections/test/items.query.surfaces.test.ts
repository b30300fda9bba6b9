// One reader for the items query language: REST list, the `items.list` tool and
// `items.query.normalize` hand the items engine the same normalized query, and refuse the same
// input with the same 400, code and path, limits included, also for values only JSON carries.
// The tool publishes that schema to its clients. Both dialects.
import type { Principal } from '@backlex/kernel'
import { dialects } from '@backlex/test-utils'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import {
  ITEMS_QUERY_LIMITS,
  ITEMS_QUERY_PARAMETERS,
  Items,
  type ItemsQuery,
  type ItemsRuntime,
} from '../src/index.js'
import { ADMIN, type ItemsApp, qs, startItemsApp } from './items-helpers/app.js'
import { createBlog, seedBlog } from './items-helpers/blog.js'

const admin: Principal = {
  type: 'user',
  id: 'admin-1',
  userId: 'admin-1',
  roles: ['admin'],
  admin: true,
}
const { maxListEntries, maxSearchLength, maxDeepDepth, maxParameters } = ITEMS_QUERY_LIMITS
const names = (n: number) => Array.from({ length: n }, (_, i) => `f${i}`).join(',')
/** `{ comments: { a: { a: ... } } }`, `levels` relations deep. */
const deepOf = (levels: number): Record<string, unknown> =>
  levels === 0 ? { _limit: 1 } : { a: deepOf(levels - 1) }

/** Queries accepted everywhere, each as the strings a URL carries (what a tool may also send). */
const ACCEPTED: Record<string, string>[] = [
  { fields: 'id,title', sort: '-views,title', limit: '2', meta: '*' },
  { filter: '{"views":{"_gt":10},"author":{"name":{"_eq":"Ada"}}}', offset: '1' },
  { aggregate: '{"count":"*","sum":"views"}', groupBy: 'status', page: '1' },
  { fields: 'id,comments.body', deep: '{"comments":{"_limit":"1","_sort":"-id"}}' },
  { search: 's'.repeat(maxSearchLength), fields: names(maxListEntries).replace(/f\d+/g, 'id') },
  { filter: '{"title":{"_eq":"null"}}', fields: '*' },
]

/** Refused everywhere, with these codes and paths. */
const REFUSED: [Record<string, string>, string, string][] = [
  [{ limit: 'ten' }, 'INVALID_QUERY', 'limit'],
  [{ limit: '-2' }, 'INVALID_QUERY', 'limit'],
  [{ page: '0' }, 'INVALID_QUERY', 'page'],
  [{ page: '2', offset: '1' }, 'INVALID_QUERY', 'page'],
  [{ meta: 'everything' }, 'INVALID_QUERY', 'meta'],
  [{ aggregate: '{"median":"views"}' }, 'INVALID_QUERY', 'aggregate.median'],
  [{ deep: '{"comments":{"_top":1}}' }, 'INVALID_QUERY', 'deep.comments._top'],
  [{ filter: '{"views":' }, 'INVALID_FILTER', 'filter'],
  [{ filter: '[1]' }, 'INVALID_FILTER', 'filter'],
  // The limits.
  [{ search: 's'.repeat(maxSearchLength + 1) }, 'INVALID_QUERY', 'search'],
  [{ fields: names(maxListEntries + 1) }, 'INVALID_QUERY', 'fields'],
  [{ sort: names(maxListEntries + 1) }, 'INVALID_QUERY', 'sort'],
  [
    { deep: JSON.stringify({ comments: deepOf(maxDeepDepth + 1) }) },
    'INVALID_QUERY',
    `deep.comments${'.a'.repeat(maxDeepDepth)}`,
  ],
  // Once refused by the tool's own input schema (VALIDATION_FAILED) before the query was read.
  [{ colour: 'red' }, 'INVALID_QUERY', 'colour'],
  [{ limit: '10', colour: 'red', page: 'x' }, 'INVALID_QUERY', 'colour'],
  [{ fields: '["id",7]' }, 'INVALID_QUERY', 'fields.1'],
  [{ deep: '{"_limit":1}' }, 'INVALID_QUERY', 'deep._limit'],
  [{ deep: '{"comments":{"_limit":"x"}}' }, 'INVALID_QUERY', 'deep.comments._limit'],
  [{ deep: '{"comments":{"_filter":[1]}}' }, 'INVALID_FILTER', 'deep.comments._filter'],
  [{ aggregate: '{"count":[]}' }, 'INVALID_QUERY', 'aggregate.count'],
  [{ aggregate: '{"sum":[1]}' }, 'INVALID_QUERY', 'aggregate.sum.0'],
]

/**
 * Values only JSON carries (what a tool call or `normalize` may be given), beside the query
 * string REST reads for the same mistake: refused alike, with these codes and paths.
 */
const REFUSED_AS_JSON: [Record<string, unknown>, string, string, string][] = [
  [{ limit: true }, 'limit=true', 'INVALID_QUERY', 'limit'],
  [{ limit: 1.5 }, 'limit=1.5', 'INVALID_QUERY', 'limit'],
  [{ limit: -2 }, 'limit=-2', 'INVALID_QUERY', 'limit'],
  [{ page: 0 }, 'page=0', 'INVALID_QUERY', 'page'],
  [{ limit: [1, 2] }, 'limit=1&limit=2', 'INVALID_QUERY', 'limit'],
  [{ search: ['a', 'b'] }, 'search=a&search=b', 'INVALID_QUERY', 'search'],
  [{ filter: [{ id: { _eq: 1 } }] }, 'filter={}&filter={}', 'INVALID_QUERY', 'filter'],
  [{ filter: 5 }, 'filter=5', 'INVALID_FILTER', 'filter'],
  [{ fields: ['id', 7] }, 'fields=["id",7]', 'INVALID_QUERY', 'fields.1'],
  [{ meta: ['everything'] }, 'meta[]=everything', 'INVALID_QUERY', 'meta'],
  [{ aggregate: { count: 5 } }, 'aggregate={"count":5}', 'INVALID_QUERY', 'aggregate.count'],
  [
    { deep: { comments: { _top: 1 } } },
    'deep[comments][_top]=1',
    'INVALID_QUERY',
    'deep.comments._top',
  ],
  [
    { deep: { comments: { _limit: true } } },
    'deep={"comments":{"_limit":true}}',
    'INVALID_QUERY',
    'deep.comments._limit',
  ],
  [{ deep: 7 }, 'deep=7', 'INVALID_QUERY', 'deep'],
]

describe.each(dialects.filter((d) => d.available))(
  'one items query reader on $dialect',
  (dialect) => {
    let t: ItemsApp
    let items: ItemsRuntime
    const seen: ItemsQuery[] = []

    beforeAll(async () => {
      t = await startItemsApp(dialect)
      await createBlog(t)
      await seedBlog(t)
      items = t.app.get(Items)
      const list = items.list.bind(items)
      // Every surface reaches the engine through the service object: record what it is handed.
      vi.spyOn(items, 'list').mockImplementation((caller, slug, query) => {
        seen.push(query)
        return list(caller, slug, query)
      })
    })
    afterAll(() => t?.close())

    const failure = async (run: () => unknown) => {
      try {
        await run()
      } catch (error) {
        const { status, code, details } = error as {
          status: number
          code: string
          details?: { path?: string }
        }
        return [status, code, details?.path]
      }
      return 'no error'
    }
    /** What REST, the tool and normalize answer for `query`: the normalized query or the error. */
    async function viaEverySurface(query: Record<string, string>) {
      seen.length = 0
      const res = await t.request<{
        errors?: { extensions: { code: string; path?: string } }[]
      }>('GET', `/api/items/articles${qs(query)}`, { as: ADMIN })
      const restError = res.body.errors?.[0]?.extensions
      const rest = restError ? [res.status, restError.code, restError.path] : seen[0]
      seen.length = 0
      const toolError = await failure(() =>
        t.app.tools.call(
          'items.list',
          { collection: 'articles', ...query },
          { principal: admin, workspace: 'main' },
        ),
      )
      const tool = toolError === 'no error' ? seen[0] : toolError
      const normalizeError = await failure(() => items.query.normalize(query))
      const normalized =
        normalizeError === 'no error' ? items.query.normalize(query) : normalizeError
      const fromUrl = await failure(() => items.query.fromSearchParams(qs(query).slice(1)))
      const read =
        fromUrl === 'no error' ? items.query.fromSearchParams(qs(query).slice(1)) : fromUrl
      return { rest, tool, normalized, read }
    }

    it.each(ACCEPTED)('hands the engine the same query for %j', async (query) => {
      const { rest, tool, normalized, read } = await viaEverySurface(query)
      expect(rest).toMatchObject({ meta: expect.any(Array), deep: expect.any(Object) })
      expect(tool).toEqual(rest)
      expect(normalized).toEqual(rest)
      expect(read).toEqual(rest)
    })

    it.each(REFUSED)('refuses %j with %s at %s everywhere', async (query, code, path) => {
      const { rest, tool, normalized, read } = await viaEverySurface(query)
      expect(rest).toEqual([400, code, path])
      expect(tool).toEqual(rest)
      expect(normalized).toEqual(rest)
      expect(read).toEqual(rest)
    })

    it.each(REFUSED_AS_JSON)(
      'refuses %j as REST refuses %s, with %s at %s',
      async (query, search, code, path) => {
        const res = await t.request<{
          errors: { extensions: { code: string; path?: string } }[]
        }>('GET', `/api/items/articles?${search}`, { as: ADMIN })
        const rest = [
          res.status,
          res.body.errors?.[0]?.extensions.code,
          res.body.errors?.[0]?.extensions.path,
        ]
        expect(rest).toEqual([400, code, path])
        const tool = await failure(() =>
          t.app.tools.call(
            'items.list',
            { collection: 'articles', ...query },
            { principal: admin, workspace: 'main' },
          ),
        )
        expect(tool).toEqual(rest)
        expect(await failure(() => items.query.normalize(query))).toEqual(rest)
        expect(await failure(() => items.query.fromSearchParams(search))).toEqual(rest)
      },
    )

    it('publishes the query to tool clients as a JSON Schema they can follow', () => {
      const list = t.app.tools.list().find((tool) => tool.name === 'items.list')
      const schema = list?.inputSchema as {
        type: string
        properties: Record<string, { description?: string }>
        required: string[]
        additionalProperties: boolean
      }
      expect(schema).toMatchObject({
        type: 'object',
        required: ['collection'],
        additionalProperties: false,
      })
      expect(Object.keys(schema.properties).sort()).toEqual(
        [...ITEMS_QUERY_PARAMETERS, 'collection'].sort(),
      )
      for (const name of Object.keys(schema.properties)) {
        expect(schema.properties[name]?.description, name).toMatch(/\w/)
      }
      expect(schema.properties.limit).toMatchObject({
        anyOf: expect.arrayContaining([
          { type: 'string' },
          expect.objectContaining({ type: 'integer' }),
        ]),
      })
      expect(schema.properties.fields).toMatchObject({
        anyOf: [{ type: 'string' }, { type: 'array', items: { type: 'string' } }],
      })
      expect(schema.properties.filter).toMatchObject({ type: ['object', 'string'] })
      expect(schema.properties.search).toMatchObject({ type: 'string', maxLength: maxSearchLength })
      // Nothing a client cannot read: no references, no empty schemas.
      expect(JSON.stringify(schema)).not.toMatch(/\$ref|:\{\}/)
    })

    it('counts query-string parameters against one limit', async () => {
      const params = (n: number) =>
        Array.from({ length: n }, (_, i) => `filter[_and][${i}][views][_gte]=0`).join('&')
      const ok = await t.request('GET', `/api/items/articles?${params(maxParameters)}`, {
        as: ADMIN,
      })
      expect(ok.status).toBe(200)
      const over = await t.request<{ errors: { extensions: { code: string; path: string } }[] }>(
        'GET',
        `/api/items/articles?${params(maxParameters + 1)}`,
        { as: ADMIN },
      )
      expect([over.status, over.body.errors[0]?.extensions.code]).toEqual([400, 'INVALID_QUERY'])
      expect(await failure(() => items.query.fromSearchParams(params(maxParameters + 1)))).toEqual([
        400,
        'INVALID_QUERY',
        over.body.errors[0]?.extensions.path,
      ])
    })

    it('reads only what a surface accepts, and skips what its caller reads itself', async () => {
      const search = 'filter[views][_gt]=1&fields=id&lastEventId=4'
      expect(
        items.query.fromSearchParams(search, {
          only: ['filter', 'fields'],
          ignore: ['lastEventId'],
        }),
      ).toEqual({ filter: { views: { _gt: '1' } }, fields: ['id'], meta: [], deep: {} })
      expect(
        await failure(() => items.query.fromSearchParams(search, { only: ['fields'] })),
      ).toEqual([400, 'INVALID_QUERY', 'filter'])
    })
  },
)
