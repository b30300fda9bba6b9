// Presence rooms: signed-in callers only; the roster on connect, join and leave as members
// come and go (once per user, however many connections they hold).
import { dialects, type TestDatabase } from '@backlex/test-utils'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { bearer, codeOf, StreamClient, startServer, type TestServer } from './helpers.js'

const ids = (members: unknown) => (members as { id: string }[]).map((m) => m.id).sort()

describe.each(dialects)('presence on $dialect', (dialect) => {
  let database: TestDatabase
  let app: TestServer
  const streams: StreamClient[] = []
  const join = (room: string, token: string) => {
    const stream = new StreamClient(
      `${app.url}/api/realtime/presence:${room}/subscribe`,
      bearer(token),
    )
    streams.push(stream)
    return stream
  }

  beforeAll(async () => {
    if (!dialect.available) return
    database = await dialect.create()
    app = await startServer(database)
    app.tokens.set('ada', { id: 'ada', roles: [], attributes: { name: 'Ada' } })
    app.tokens.set('bob', { id: 'bob', roles: [] })
    app.tokens.set('bob-key', { type: 'apiKey', id: 'k1', userId: 'bob', roles: [] })
  })
  afterAll(async () => {
    for (const s of streams) s.close()
    await app?.close()
    await database?.cleanup()
  })

  it.skipIf(!dialect.available)('anonymous callers cannot join', async () => {
    const res = await app.request('GET', '/api/realtime/presence:lobby/subscribe')
    expect([res.status, codeOf(res.body)]).toEqual([401, 'UNAUTHORIZED'])
    const bad = await app.request('GET', '/api/realtime/presence:Bad%20Room/subscribe', {
      headers: bearer('ada'),
    })
    expect([bad.status, codeOf(bad.body)]).toEqual([400, 'REALTIME_INVALID_CHANNEL'])
  })

  it.skipIf(!dialect.available)('roster, join and leave, once per user', async () => {
    const ada = join('lobby', 'ada')
    const roster = await ada.next('roster')
    expect(roster.data).toEqual({
      channel: 'presence:lobby',
      members: [{ id: 'ada', type: 'user', name: 'Ada' }],
    })
    const bob = join('lobby', 'bob')
    expect(ids((await bob.next('roster')).data.members)).toEqual(['ada', 'bob'])
    expect((await ada.next('join')).data).toEqual({
      channel: 'presence:lobby',
      member: { id: 'bob', type: 'user' },
    })
    // A second connection of bob (an API key of his) is not a second member.
    const bobAgain = join('lobby', 'bob-key')
    expect(ids((await bobAgain.next('roster')).data.members)).toEqual(['ada', 'bob'])
    bob.close()
    bobAgain.close()
    const left = await ada.next('leave')
    expect(left.data).toEqual({ channel: 'presence:lobby', member: { id: 'bob', type: 'user' } })
    expect(ada.of('join')).toHaveLength(1)
    expect(ada.of('leave')).toHaveLength(1)
    // Rooms are separate.
    const elsewhere = join('kitchen', 'bob')
    expect(ids((await elsewhere.next('roster')).data.members)).toEqual(['bob'])
  })
})
