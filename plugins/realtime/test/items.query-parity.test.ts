// A subscription's filter is read by the items API's own reader: numbered bracket lists and
// `null` in brackets deliver exactly the items the same filter lists over REST. Both dialects.
import { Collections } from '@backlex/collections'
import { dialects, type TestDatabase } from '@backlex/test-utils'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { bearer, codeOf, StreamClient, startServer, type TestServer } from './helpers.js'

const FILTERS = {
  'numbered _or': 'filter[_or][0][views][_lt]=5&filter[_or][1][views][_gt]=995',
  'null in brackets': 'filter[category][_eq]=null',
}
// Views on both sides of each bound, categories set and missing.
const ROWS = [0, 4, 5, 6, 500, 994, 995, 996, 1000].flatMap((views, i) => [
  { views, category: i % 2 === 0 ? null : 'news' },
  { views: views + 1, category: i % 3 === 0 ? 'tips' : null },
])
// Last, matching both filters: once a stream has it, it has everything before it.
const MARKER = { views: 1001, category: null }

describe.each(dialects)('subscription filters as REST reads them on $dialect', (dialect) => {
  let database: TestDatabase
  let app: TestServer
  const streams: StreamClient[] = []
  const asRoot = bearer('root')

  beforeAll(async () => {
    if (!dialect.available) return
    database = await dialect.create()
    app = await startServer(database)
    app.tokens.set('root', { id: 'root', roles: ['admin'], admin: true })
    await app.server.kernel.get(Collections).create('main', {
      slug: 'ranked',
      fields: [
        { name: 'views', type: 'integer' },
        { name: 'category', type: 'string' },
      ],
    })
  })
  afterAll(async () => {
    for (const s of streams) s.close()
    await app?.close()
    await database?.cleanup()
  })

  it.skipIf(!dialect.available)(
    'delivers exactly what the same filter lists over REST',
    async () => {
      const opened = Object.entries(FILTERS).map(([name, query]) => {
        const stream = new StreamClient(
          `${app.url}/api/realtime/items:ranked/subscribe?${query}&fields=id`,
          asRoot,
        )
        streams.push(stream)
        return { name, query, stream }
      })
      await Promise.all(opened.map(({ stream }) => stream.next('ready')))

      const created = await app.request('POST', '/api/items/ranked', {
        headers: asRoot,
        body: ROWS,
      })
      expect(created.status).toBe(201)
      const marker = await app.request('POST', '/api/items/ranked', {
        headers: asRoot,
        body: MARKER,
      })
      const markerId = (marker.body as { data: { id: number } }).data.id

      for (const { name, query, stream } of opened) {
        await stream.until(
          () => stream.of('create').some((e) => e.data.key === markerId),
          `the marker on "${name}"`,
        )
        const delivered = stream.of('create').map((e) => e.data.key)
        const listed = await app.request('GET', `/api/items/ranked?${query}&fields=id&sort=id`, {
          headers: asRoot,
        })
        expect(listed.status).toBe(200)
        const keys = (listed.body as { data: { id: number }[] }).data.map((row) => row.id)
        expect([name, delivered]).toEqual([name, keys])
        // Neither all nor nothing: the filter really narrowed the rows.
        expect(keys.length).toBeGreaterThan(1)
        expect(keys.length).toBeLessThan(ROWS.length + 1)
      }
    },
  )

  it.skipIf(!dialect.available)(
    'refuses a malformed query with the items API code and path',
    async () => {
      for (const query of ['filter[_or][][views][_lt]=5', 'filter[a]=1&filter[a][_eq]=2']) {
        const rest = await app.request('GET', `/api/items/ranked?${query}`, { headers: asRoot })
        const live = await app.request('GET', `/api/realtime/items:ranked/subscribe?${query}`, {
          headers: asRoot,
        })
        expect([live.status, codeOf(live.body)]).toEqual([400, 'INVALID_QUERY'])
        expect(live.body).toEqual(rest.body)
      }
    },
  )
})
