// With the real @backlex/auth: a stream opened with an API key ends when the key is revoked,
// and one opened with a session ends at sign-out, before the next event reaches it; the
// stream's reconnect is then refused. On both dialects.
import { auth } from '@backlex/auth'
import { dialects, type TestDatabase } from '@backlex/test-utils'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { StreamClient, startServer, type TestServer } from './helpers.js'

const ORIGIN = 'http://127.0.0.1'

describe.each(dialects)('with auth on $dialect', (dialect) => {
  let database: TestDatabase
  let app: TestServer
  let session = ''
  const streams: StreamClient[] = []
  const open = (channel: string, authorization: string) => {
    const stream = new StreamClient(`${app.url}/api/realtime/${channel}/subscribe`, {
      authorization: `Bearer ${authorization}`,
    })
    streams.push(stream)
    return stream
  }
  const publish = (channel: string, data: unknown) =>
    app.request('POST', `/api/realtime/${channel}/publish`, {
      body: { data },
      headers: { authorization: `Bearer ${session}` },
    })

  beforeAll(async () => {
    if (!dialect.available) return
    database = await dialect.create()
    app = await startServer(database, {
      plugins: [auth({ secret: 'realtime-tests-secret-0123456789abcdef0123', baseURL: ORIGIN })],
      // Idle streams (presence) are re-checked at each heartbeat.
      realtime: { heartbeatMs: 100 },
    })
    const signUp = await fetch(`${app.url}/api/auth/sign-up/email`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: ORIGIN },
      body: JSON.stringify({
        email: 'ada@example.com',
        password: 'correct horse battery',
        name: 'Ada',
      }),
    })
    expect(signUp.status).toBe(200)
    session = signUp.headers.get('set-auth-token') ?? ''
  })
  afterAll(async () => {
    for (const s of streams) s.close()
    await app?.close()
    await database?.cleanup()
  })

  it.skipIf(!dialect.available)(
    'revoking an API key ends its streams before the next message',
    async () => {
      const created = await app.request('POST', '/api/api-keys', {
        body: { name: 'dashboard' },
        headers: { authorization: `Bearer ${session}` },
      })
      expect(created.status).toBe(201)
      const key = (created.body as { data: { id: string; secret: string } }).data
      const withKey = open('ops', key.secret)
      const withSession = open('ops', session)
      await Promise.all([withKey.next('ready'), withSession.next('ready')])
      await publish('ops', 'before')
      await withKey.next('message')

      const revoked = await app.request('DELETE', `/api/api-keys/${key.id}`, {
        headers: { authorization: `Bearer ${session}` },
      })
      expect(revoked.status).toBe(204)
      await publish('ops', 'after')
      const end = await withKey.next('end')
      expect(end.data.code).toBe('REALTIME_CREDENTIALS_REVOKED')
      await withSession.next('message', 2)
      expect(withKey.of('message').map((m) => m.data.data)).toEqual(['before'])
      await withKey.until(() => withKey.errors.includes(401), 'the refused reconnect')
    },
  )

  it.skipIf(!dialect.available)('signing out ends the session’s streams', async () => {
    const signIn = await fetch(`${app.url}/api/auth/sign-in/email`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: ORIGIN },
      body: JSON.stringify({ email: 'ada@example.com', password: 'correct horse battery' }),
    })
    const second = signIn.headers.get('set-auth-token') ?? ''
    expect(second).not.toBe('')
    const presence = open('presence:desk', second)
    const desk = open('desk', second)
    const roster = await presence.next('roster')
    expect(roster.data.members).toEqual([{ id: expect.any(String), type: 'user', name: 'Ada' }])
    await desk.next('ready')
    const out = await fetch(`${app.url}/api/auth/sign-out`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        authorization: `Bearer ${second}`,
        origin: ORIGIN,
      },
      body: '{}',
    })
    expect(out.status).toBe(200)
    await publish('desk', 'after sign-out')
    expect((await desk.next('end')).data.code).toBe('REALTIME_CREDENTIALS_REVOKED')
    expect(desk.of('message')).toEqual([])
    // The idle presence stream ends at the next heartbeat.
    expect((await presence.next('end')).data.code).toBe('REALTIME_CREDENTIALS_REVOKED')
  })
})
