// Without @backlex/collections (other writers emit the item events), item channels still serve
// unfiltered subscriptions; a filter or fields needs collections' query reader. Both dialects.
import { dialects, type TestDatabase } from '@backlex/test-utils'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  codeOf,
  grantArticleReaders,
  StreamClient,
  startServer,
  type TestServer,
} from './helpers.js'

describe.each(dialects)('item channels without collections on $dialect', (dialect) => {
  let database: TestDatabase
  let app: TestServer
  let stream: StreamClient | undefined

  beforeAll(async () => {
    if (!dialect.available) return
    database = await dialect.create()
    app = await startServer(database, { collections: false })
    await grantArticleReaders(app)
  })
  afterAll(async () => {
    stream?.close()
    await app?.close()
    await database?.cleanup()
  })

  it.skipIf(!dialect.available)('delivers to an unfiltered subscription', async () => {
    stream = new StreamClient(`${app.url}/api/realtime/items:articles/subscribe?lastEventId=0`)
    await stream.next('ready')
    const row = { id: 1, title: 'One', status: 'published', owner: 'ada', views: 1, secret: 's' }
    app.emit('items.created', {
      workspace: 'main',
      collection: 'articles',
      keys: [1],
      after: [row],
    })
    expect((await stream.next('create')).data).toEqual({
      collection: 'articles',
      key: 1,
      data: { id: 1, title: 'One', status: 'published', views: 1 },
    })
  })

  it.skipIf(!dialect.available)('answers a filter or fields with what is missing', async () => {
    for (const query of ['filter[views][_gt]=1', 'fields=id']) {
      const res = await app.request('GET', `/api/realtime/items:articles/subscribe?${query}`)
      expect([res.status, codeOf(res.body)]).toEqual([404, 'REALTIME_CHANNEL_UNAVAILABLE'])
    }
  })
})
