// Deep filters are refused, not crashed on: every filter, on every surface (query string, PATCH
// and DELETE bodies, the Items service other transports call), goes through the one parser and
// its depth limit before anything recurses over it: 400 INVALID_FILTER, nothing written.
// Both dialects.
import { systemPrincipal } from '@backlex/kernel'
import { dialects } from '@backlex/test-utils'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { Items, normalizeQuery } from '../src/index.js'
import { ADMIN, codeOf, type ItemsApp, startItemsApp } from './items-helpers/app.js'
import { createBlog, seedBlog } from './items-helpers/blog.js'

/** A filter `levels` `_and`s deep, as JSON text (built as text: no recursion in the test). */
const deepText = (levels: number, leaf = '{"title":{"_neq":"x"}}') =>
  `${'{"_and":['.repeat(levels)}${leaf}${']}'.repeat(levels)}`
/** Many-to-many all the way down: `{ tags: { _some: { ... } } }` nested `levels` deep. */
const deepTagsText = (levels: number) =>
  `${'{"tags":{"_some":'.repeat(levels)}{"name":{"_eq":"tech"}}${'}}'.repeat(levels)}`
const HUGE = 5000
/** Deeper than the filter limit (10) but within any JSON nesting limit of the HTTP layer. */
const OVER = 20
const system = { principal: systemPrincipal, workspace: 'main' }

describe.each(dialects.filter((d) => d.available))('deep filters on $dialect', (dialect) => {
  let t: ItemsApp
  let before: unknown
  const articles = async () =>
    (await t.request('GET', '/api/items/articles?sort=id&limit=-1', { as: ADMIN })).body

  beforeAll(async () => {
    t = await startItemsApp(dialect)
    await createBlog(t)
    await seedBlog(t)
    before = await articles()
  })
  afterAll(() => t?.close())

  it('refuses a deep filter in the query string with 400 INVALID_FILTER', async () => {
    for (const text of [deepText(HUGE), deepTagsText(HUGE), deepText(OVER)]) {
      const res = await t.request('GET', `/api/items/articles?filter=${encodeURIComponent(text)}`, {
        as: ADMIN,
      })
      expect(res.status, JSON.stringify(res.body).slice(0, 300)).toBe(400)
      expect(codeOf(res.body)).toBe('INVALID_FILTER')
    }
  })

  it('refuses a deep filter in PATCH and DELETE bodies with 400, writing nothing', async () => {
    for (const text of [deepText(HUGE), deepTagsText(HUGE)]) {
      const patch = await t.request('PATCH', '/api/items/articles', {
        as: ADMIN,
        raw: `{"query":{"filter":${text}},"data":{"title":"gone"}}`,
      })
      expect(patch.status).toBe(400)
      // The HTTP layer may refuse JSON this deep before the route runs; either way a 400.
      expect(['INVALID_FILTER', 'JSON_TOO_DEEP']).toContain(codeOf(patch.body))
      const del = await t.request('DELETE', '/api/items/articles', {
        as: ADMIN,
        raw: `{"query":{"filter":${text}}}`,
      })
      expect(del.status).toBe(400)
      expect(['INVALID_FILTER', 'JSON_TOO_DEEP']).toContain(codeOf(del.body))
    }
    for (const text of [deepText(OVER), deepTagsText(OVER)]) {
      const patch = await t.request('PATCH', '/api/items/articles', {
        as: ADMIN,
        raw: `{"query":{"filter":${text}},"data":{"title":"gone"}}`,
      })
      expect(patch.status).toBe(400)
      expect(codeOf(patch.body)).toBe('INVALID_FILTER')
      const del = await t.request('DELETE', '/api/items/articles', {
        as: ADMIN,
        raw: `{"query":{"filter":${text}}}`,
      })
      expect(del.status).toBe(400)
      expect(codeOf(del.body)).toBe('INVALID_FILTER')
    }
    expect(await articles()).toEqual(before)
  })

  it('refuses deep filters given to the Items service (list, updateMany, deleteMany)', async () => {
    const items = t.app.get(Items)
    for (const text of [deepText(HUGE), deepTagsText(HUGE)]) {
      const filter = JSON.parse(text) as Record<string, unknown>
      await expect(
        items.list(system, 'articles', normalizeQuery({ filter })),
      ).rejects.toMatchObject({ code: 'INVALID_FILTER', status: 400 })
      await expect(
        items.updateMany(system, 'articles', { query: { filter } }, { title: 'gone' }),
      ).rejects.toMatchObject({ code: 'INVALID_FILTER', status: 400 })
      await expect(
        items.deleteMany(system, 'articles', { query: { filter } }),
      ).rejects.toMatchObject({ code: 'INVALID_FILTER', status: 400 })
    }
    expect(await articles()).toEqual(before)
  })

  it('still reads filters within the limit, many-to-many ones included', async () => {
    const res = await t.request(
      'GET',
      `/api/items/articles?fields=id&sort=id&filter=${encodeURIComponent(deepText(7, '{"tags":{"name":{"_eq":"tech"}}}'))}`,
      { as: ADMIN },
    )
    expect(res.status).toBe(200)
    expect(res.body).toEqual({ data: [{ id: 1 }, { id: 3 }] })
    const none = await t.request(
      'GET',
      `/api/items/articles?fields=id&sort=id&filter=${encodeURIComponent('{"tags":{"_none":{"name":{"_eq":"tech"}}}}')}`,
      { as: ADMIN },
    )
    expect(none.body).toEqual({ data: [{ id: 2 }, { id: 4 }] })
  })
})
