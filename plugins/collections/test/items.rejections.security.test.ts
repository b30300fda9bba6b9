// No request can end the process: a list whose rows query fails after its counts started (the
// table dropped underneath, so every query of the request fails at execution) answers a 500 and
// leaves no promise rejected without a handler, through REST and the Items service. Both dialects.
import { systemPrincipal } from '@backlex/kernel'
import { dialects } from '@backlex/test-utils'
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { Items, normalizeQuery } from '../src/index.js'
import { ADMIN, codeOf, type ItemsApp, startItemsApp } from './items-helpers/app.js'

/** Lets every pending callback run, so a rejection nobody handles is reported before we look. */
const settle = async () => {
  for (let i = 0; i < 5; i++) await new Promise((resolve) => setTimeout(resolve, 20))
}

describe.each(dialects.filter((d) => d.available))('failing list reads on $dialect', (dialect) => {
  let t: ItemsApp
  const unhandled: unknown[] = []
  const onUnhandled = (reason: unknown) => {
    unhandled.push(reason)
  }
  let n = 0
  let slug = ''

  beforeAll(async () => {
    t = await startItemsApp(dialect)
    await t.collection({ slug: 'alive', fields: [{ name: 'title', type: 'string' }] })
    process.on('unhandledRejection', onUnhandled)
  })
  afterAll(async () => {
    process.off('unhandledRejection', onUnhandled)
    await t?.close()
  })
  beforeEach(async () => {
    unhandled.length = 0
    slug = `doomed_${n++}`
    await t.collection({ slug, fields: [{ name: 'title', type: 'string' }] })
    await t.sql(`insert into c_main_${slug} (title) values ('a'), ('b')`)
    // Warm the schema cache, then take the table away behind the collections service's back:
    // every query of the next list fails when it runs, counts included.
    expect((await t.request('GET', `/api/items/${slug}`, { as: ADMIN })).status).toBe(200)
    await t.sql(`drop table c_main_${slug}`)
  })
  afterEach(async () => {
    await settle()
    expect(unhandled).toEqual([])
  })

  it('answers 500 to ?meta=* with no unhandled rejection (REST)', async () => {
    const res = await t.request('GET', `/api/items/${slug}?meta=*`, { as: ADMIN })
    expect(res.status).toBe(500)
    expect(codeOf(res.body)).toBe('INTERNAL_ERROR')
    // Still serving.
    expect((await t.request('GET', '/api/items/alive?meta=*', { as: ADMIN })).status).toBe(200)
  })

  it('answers 500 to a filtered, searched list with both counts (REST)', async () => {
    const res = await t.request(
      'GET',
      `/api/items/${slug}?meta=total_count,filter_count&search=a&filter[title][_neq]=z`,
      { as: ADMIN },
    )
    expect(res.status).toBe(500)
  })

  it('rejects once through the Items service, with every count settled', async () => {
    const items = t.app.get(Items)
    await expect(
      items.list(
        { principal: systemPrincipal, workspace: 'main' },
        slug,
        normalizeQuery({ meta: '*', sort: '-title' }),
      ),
    ).rejects.toThrow()
  })
})
