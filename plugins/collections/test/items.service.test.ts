// The items engine as the `backlex.items` service (what GraphQL serves items through): the same
// permission checks and events as the REST API.
import { dialects } from '@backlex/test-utils'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { Items, normalizeQuery } from '../src/index.js'
import { type ItemsApp, startItemsApp } from './items-helpers/app.js'
import { createBlog, seedBlog } from './items-helpers/blog.js'

describe.each(dialects.filter((d) => d.available))('the Items service on $dialect', (dialect) => {
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
      fields: ['title'],
    })
  })
  afterAll(() => t?.close())

  it('lists and writes as the caller', async () => {
    const items = t.app.get(Items)
    const reader = {
      principal: { type: 'user' as const, id: 'u1', userId: 'u1', roles: ['reader'], admin: false },
      workspace: 'main',
    }
    expect(await items.list(reader, 'articles', normalizeQuery({ sort: 'id', meta: '*' }))).toEqual(
      {
        data: [
          { id: 1, title: 'Hello World' },
          { id: 3, title: 'Third' },
          { id: 4, title: 'fourth' },
        ],
        meta: { total_count: 3, filter_count: 3 },
      },
    )
    await expect(items.create(reader, 'articles', { title: 'x' })).rejects.toMatchObject({
      code: 'FORBIDDEN',
    })
  })
})
