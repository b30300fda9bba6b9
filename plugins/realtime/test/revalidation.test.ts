// Open streams follow changes to their caller: roles, permission rules, revoked keys and ended
// sessions apply from the next event on, and one event costs one credential check per distinct
// credential, however many streams share it. On both dialects.
import { Permissions } from '@backlex/permissions'
import { dialects, type TestDatabase } from '@backlex/test-utils'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { bearer, StreamClient, startServer, type TestServer } from './helpers.js'

const row = (id: number, fields: Record<string, unknown>) => ({
  id,
  title: `Article ${id}`,
  status: 'published',
  owner: 'nobody',
  views: 0,
  secret: 's',
  ...fields,
})

describe.each(dialects)('re-checking callers on $dialect', (dialect) => {
  let database: TestDatabase
  let app: TestServer
  const streams: StreamClient[] = []
  const open = (headers: Record<string, string> = {}) => {
    const stream = new StreamClient(`${app.url}/api/realtime/items:articles/subscribe`, headers)
    streams.push(stream)
    return stream
  }
  let nextId = 1
  const create = (fields: Record<string, unknown>) => {
    const id = nextId++
    app.emit('items.created', { collection: 'articles', keys: [id], after: [row(id, fields)] })
    return id
  }
  let publicRule = ''

  beforeAll(async () => {
    if (!dialect.available) return
    database = await dialect.create()
    app = await startServer(database)
    await app.grant({
      role: 'public',
      collection: 'articles',
      action: 'read',
      filter: { status: { _eq: 'published' } },
      fields: ['id', 'title'],
    })
    await app.grant({
      role: 'editor',
      collection: 'articles',
      action: 'read',
      filter: { owner: { _eq: '$CURRENT_USER' } },
      fields: '*',
    })
    const rules = await app.server.kernel.get(Permissions).list('main', { role: 'public' })
    publicRule = rules[0]?.id ?? ''
  })
  afterAll(async () => {
    for (const s of streams) s.close()
    await app?.close()
    await database?.cleanup()
  })

  it.skipIf(!dialect.available)('a role taken away applies from the next event', async () => {
    app.tokens.set('eve', { id: 'eve', roles: ['editor'] })
    const eve = open(bearer('eve'))
    await eve.next('ready')
    const first = create({ status: 'draft', owner: 'eve' })
    await eve.next('create')
    app.tokens.set('eve', { id: 'eve', roles: [] })
    const hidden = create({ status: 'draft', owner: 'eve' })
    const visible = create({ status: 'published', owner: 'eve' })
    await eve.next('create', 2)
    expect(eve.of('create').map((e) => e.data.key)).toEqual([first, visible])
    // Now only public's fields.
    expect(eve.of('create')[1]?.data.data).toEqual({ id: visible, title: `Article ${visible}` })
    expect(hidden).toBeGreaterThan(first)
  })

  it.skipIf(!dialect.available)('a changed permission applies from the next event', async () => {
    const anon = open()
    await anon.next('ready')
    const permissions = app.server.kernel.get(Permissions)
    await permissions.update('main', publicRule, { filter: { status: { _eq: 'featured' } } })
    try {
      const published = create({ status: 'published' })
      const featured = create({ status: 'featured' })
      await anon.next('create')
      expect(anon.of('create').map((e) => e.data.key)).toEqual([featured])
      expect(published).toBeLessThan(featured)
    } finally {
      await permissions.update('main', publicRule, { filter: { status: { _eq: 'published' } } })
    }
  })

  it.skipIf(!dialect.available)(
    'a revoked key ends its streams before the next event, and cannot reconnect',
    async () => {
      app.tokens.set('key1', { type: 'apiKey', id: 'key1', userId: 'ivy', roles: [] })
      const stream = open(bearer('key1'))
      const other = open()
      await Promise.all([stream.next('ready'), other.next('ready')])
      const before = create({})
      await stream.next('create')
      app.tokens.set('key1', 'revoked')
      const after = create({})
      const end = await stream.next('end')
      expect(end.data).toEqual({
        code: 'REALTIME_CREDENTIALS_REVOKED',
        message: 'This key was revoked.',
      })
      await other.next('create', 2)
      expect(stream.of('create').map((e) => e.data.key)).toEqual([before])
      expect(other.of('create').map((e) => e.data.key)).toEqual([before, after])
      // EventSource reconnects after `end`; the server refuses the revoked key.
      await stream.until(() => stream.errors.includes(401), 'a refused reconnect')
      expect(stream.source.readyState).toBe(stream.source.CLOSED)
    },
  )

  it.skipIf(!dialect.available)('an ended session ends its streams', async () => {
    app.tokens.set('sess', { id: 'sam', roles: [] })
    const stream = open(bearer('sess'))
    await stream.next('ready')
    app.tokens.set('sess', 'ended')
    create({})
    const end = await stream.next('end')
    expect(end.data.code).toBe('REALTIME_CREDENTIALS_REVOKED')
    expect(stream.of('create')).toEqual([])
  })

  it.skipIf(!dialect.available)(
    'a caller that cannot be checked is cut with a reason to reconnect',
    async () => {
      app.tokens.set('flaky', { id: 'fay', roles: [] })
      const stream = open(bearer('flaky'))
      await stream.next('ready')
      app.tokens.set('flaky', 'broken')
      create({})
      const end = await stream.next('end')
      expect(end.data.code).toBe('REALTIME_REVALIDATION_FAILED')
      expect(stream.of('create')).toEqual([])
    },
  )

  it.skipIf(!dialect.available)(
    'one event costs one check per credential, not one per stream',
    async () => {
      app.tokens.set('shared', { id: 'sue', roles: [] })
      const three = [open(bearer('shared')), open(bearer('shared')), open(bearer('shared'))]
      await Promise.all(three.map((s) => s.next('ready')))
      const checks = app.tokens.lookups.get('shared') ?? 0
      create({})
      await Promise.all(three.map((s) => s.next('create')))
      expect(app.tokens.lookups.get('shared')).toBe(checks + 1)
    },
  )
})
