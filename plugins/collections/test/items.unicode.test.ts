// search and the case-insensitive operators fold Unicode over HTTP on both dialects: `CAFÉ` finds
// "café", `ZÜRICH` finds "Zürich", and the negations leave exactly those rows out.
import { dialects } from '@backlex/test-utils'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ADMIN, type ItemsApp, startItemsApp } from './items-helpers/app.js'
import { createBlog, seedBlog } from './items-helpers/blog.js'

type List = { data: { id: number; title: string }[] }

describe.each(dialects.filter((d) => d.available))('Unicode search on $dialect', (dialect) => {
  let t: ItemsApp
  beforeAll(async () => {
    t = await startItemsApp(dialect)
    await createBlog(t)
    await seedBlog(t)
    for (const title of ['Café Zürich', 'ΣΟΦΙΑ in Москва']) {
      const res = await t.request('POST', '/api/items/articles', { as: ADMIN, body: { title } })
      expect(res.status).toBe(201)
    }
  })
  afterAll(() => t?.close())

  const titles = async (query: string) => {
    const res = await t.request<List>(
      'GET',
      `/api/items/articles?${query}&fields=id,title&sort=id`,
      {
        as: ADMIN,
      },
    )
    expect(res.status, JSON.stringify(res.body)).toBe(200)
    return res.body.data.map((a) => a.title)
  }
  const q = encodeURIComponent

  it('searches across scripts, whatever the case', async () => {
    expect(await titles(`search=${q('CAFÉ')}`)).toEqual(['Café Zürich'])
    expect(await titles(`search=${q('москва')}`)).toEqual(['ΣΟΦΙΑ in Москва'])
    expect(await titles(`search=${q('σοφια')}`)).toEqual(['ΣΟΦΙΑ in Москва'])
  })

  it('folds Unicode in the case-insensitive operators and their negations', async () => {
    expect(await titles(`filter[title][_icontains]=${q('ZÜRICH')}`)).toEqual(['Café Zürich'])
    expect(await titles(`filter[title][_istarts_with]=${q('CAFÉ')}`)).toEqual(['Café Zürich'])
    expect(await titles(`filter[title][_iends_with]=${q('МОСКВА')}`)).toEqual(['ΣΟΦΙΑ in Москва'])
    expect(await titles(`filter[title][_nicontains]=${q('ÜR')}`)).toEqual([
      'Hello World',
      'Second',
      'Third',
      'fourth',
      'ΣΟΦΙΑ in Москва',
    ])
  })
})
