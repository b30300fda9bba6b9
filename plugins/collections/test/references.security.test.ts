// No existence oracle through references: a many-to-one value naming a row the caller may not
// read answers exactly as one naming a missing row (400 INVALID_REFERENCE), on create, batch
// create and update, and nothing is written. Unknown item fields are a 400 too. Both dialects.
import { dialects } from '@backlex/test-utils'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ADMIN, codeOf, type ItemsApp, startItemsApp } from './items-helpers/app.js'
import { createBlog, seedBlog } from './items-helpers/blog.js'

// writer: reads published articles only (article 2 is a draft); writes comments.
const WRITER = { id: 'u-writer', roles: ['writer'] }
// blind: writes comments but may read no article at all.
const BLIND = { id: 'u-blind', roles: ['blind'] }

describe.each(dialects.filter((d) => d.available))('references on $dialect', (dialect) => {
  let t: ItemsApp
  const comments = async () =>
    (await t.request('GET', '/api/items/comments?sort=id&limit=-1', { as: ADMIN })).body

  beforeAll(async () => {
    t = await startItemsApp(dialect)
    await createBlog(t)
    await seedBlog(t)
    await t.permit({
      role: 'writer',
      collection: 'articles',
      action: 'read',
      filter: { status: { _eq: 'published' } },
    })
    for (const role of ['writer', 'blind']) {
      for (const action of ['read', 'create', 'update'] as const) {
        await t.permit({ role, collection: 'comments', action })
      }
    }
  })
  afterAll(() => t?.close())

  it('refuses a reference to an unreadable row exactly like one to a missing row', async () => {
    const before = await comments()
    const hidden = await t.request('POST', '/api/items/comments', {
      as: WRITER,
      body: { body: 'hi', article: 2 },
    })
    const missing = await t.request('POST', '/api/items/comments', {
      as: WRITER,
      body: { body: 'hi', article: 999 },
    })
    expect(hidden.status).toBe(400)
    expect(codeOf(hidden.body)).toBe('INVALID_REFERENCE')
    expect(hidden).toEqual(missing)
    // A collection it may not read at all: every reference is unknown to it.
    const blind = await t.request('POST', '/api/items/comments', {
      as: BLIND,
      body: { body: 'hi', article: 1 },
    })
    expect(blind).toEqual(missing)
    expect(await comments()).toEqual(before)
  })

  it('refuses the whole batch and an update naming an unreadable row, writing nothing', async () => {
    const before = await comments()
    const batch = await t.request('POST', '/api/items/comments', {
      as: WRITER,
      body: [
        { body: 'fine', article: 1 },
        { body: 'hidden', article: 2 },
      ],
    })
    expect(batch.status).toBe(400)
    expect(codeOf(batch.body)).toBe('INVALID_REFERENCE')
    const update = await t.request('PATCH', '/api/items/comments/1', {
      as: WRITER,
      body: { article: 2 },
    })
    expect(update.status).toBe(400)
    expect(codeOf(update.body)).toBe('INVALID_REFERENCE')
    const many = await t.request('PATCH', '/api/items/comments', {
      as: WRITER,
      body: { keys: [1, 2], data: { article: 2 } },
    })
    expect(codeOf(many.body)).toBe('INVALID_REFERENCE')
    expect(await comments()).toEqual(before)
  })

  it('accepts references to readable rows (and admins reference anything)', async () => {
    const ok = await t.request<{ data: { article: number } }>('POST', '/api/items/comments', {
      as: WRITER,
      body: { body: 'fine', article: 3 },
    })
    expect(ok.status).toBe(201)
    expect(ok.body.data.article).toBe(3)
    const cleared = await t.request('PATCH', '/api/items/comments/1', {
      as: WRITER,
      body: { article: null },
    })
    expect(cleared.status).toBe(200)
    const admin = await t.request('POST', '/api/items/comments', {
      as: ADMIN,
      body: { body: 'draft note', article: 2 },
    })
    expect(admin.status).toBe(201)
  })

  it('refuses unknown item fields with 400, writing nothing', async () => {
    const before = await comments()
    const created = await t.request('POST', '/api/items/comments', {
      as: WRITER,
      body: { body: 'x', nope: 1 },
    })
    expect(created.status).toBe(400)
    expect(codeOf(created.body)).toBe('UNKNOWN_FIELD')
    const updated = await t.request('PATCH', '/api/items/comments/2', {
      as: WRITER,
      body: { body: 'changed', nope: 1 },
    })
    expect(updated.status).toBe(400)
    expect(codeOf(updated.body)).toBe('UNKNOWN_FIELD')
    expect(await comments()).toEqual(before)
  })
})
