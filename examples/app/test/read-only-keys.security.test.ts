// Read-only API keys, an admin's included, change nothing on any surface of the example app:
// every write route of the route table, GraphQL mutations, MCP write tools and realtime
// publishing answer 403 READ_ONLY_KEY, and the data is as it was.
import { execFile } from 'node:child_process'
import { promisify } from 'node:util'
import type { RouteInfo } from '@backlex/kernel'
import { appTargets } from '@backlex/test-utils'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  backlex,
  baseEnv,
  codeOf,
  config,
  createKey,
  exampleDir,
  type LaunchedApp,
  launchExampleApp,
  send,
  signUpAdmin,
} from './launch.js'

const POSTS = {
  slug: 'posts',
  fields: [
    { name: 'title', type: 'string', required: true },
    { name: 'status', type: 'string' },
  ],
}

/** Non-GET routes that only read, or enforce read-only themselves. A new one must be added here. */
const DECLARED_READS = [
  'POST /api/graphql',
  'POST /api/graphql/stream',
  'POST /mcp',
  'DELETE /mcp',
  'POST /api/admin/mcp',
  'DELETE /api/admin/mcp',
]

/** A request body that the route would accept from a key allowed to write. */
const BODIES: Record<string, unknown> = {
  'POST /api/collections': { slug: 'made_read_only', fields: [{ name: 'a', type: 'string' }] },
  'PATCH /api/collections/:slug': { fields: [{ name: 'extra', type: 'string' }] },
  'POST /api/items/:slug': { title: 'written with a read-only key' },
  'PATCH /api/items/:slug/:id': { title: 'changed with a read-only key' },
  'PATCH /api/items/:slug': { keys: [1], data: { title: 'changed with a read-only key' } },
  'DELETE /api/items/:slug': { keys: [1] },
  'POST /api/permissions': {
    role: 'public',
    collection: 'posts',
    action: 'read',
    fields: ['id', 'title'],
  },
  'PATCH /api/permissions/:id': { fields: ['id'] },
  'POST /api/api-keys': { name: 'minted by a read-only key' },
  'PATCH /api/api-keys/:id/mcp-guards': { readOnly: false },
  'POST /api/roles': { name: 'made_read_only' },
  'PATCH /api/roles/:name': { description: 'changed' },
  'POST /api/users/:id/roles': { roles: ['admin'] },
  'POST /api/realtime/:channel/publish': { data: { text: 'hello' } },
  'POST /api/realtime/:channel/test-publish': { action: 'create', key: 1, data: { id: 1 } },
  'POST /api/revisions/:id/revert': {},
  'POST /api/auth/*': { email: 'eve@example.com', password: 'correct horse battery', name: 'E' },
}

describe.each(appTargets)('read-only keys on $dialect', (target) => {
  let app: LaunchedApp | undefined
  let base = ''
  let key = ''
  let readOnly = ''
  let userId = ''
  let ruleId = ''
  let readOnlyId = ''
  let routes: RouteInfo[] = []

  /** Everything a write could have changed, read with the full key. */
  async function state() {
    const read = async (path: string) => (await send(base, 'GET', path, { bearer: key })).json
    return {
      collections: await read('/api/collections'),
      posts: await read('/api/items/posts?sort=id'),
      permissions: await read('/api/permissions'),
      roles: await read('/api/roles'),
      keys: await read('/api/api-keys'),
      users: await read('/api/users'),
      revisions: await read('/api/revisions/posts/1'),
    }
  }

  beforeAll(async () => {
    if (!target.available) return
    app = await launchExampleApp(target)
    base = app.base
    const token = await signUpAdmin(base)
    key = await createKey(base, token, { name: 'full' })
    readOnly = await createKey(base, token, { name: 'read-only', readOnly: true })
    userId = (await send(base, 'GET', '/api/auth/principal', { bearer: token })).json.data.userId
    readOnlyId = (await send(base, 'GET', '/api/api-keys', { bearer: key })).json.data.find(
      (k: { name: string }) => k.name === 'read-only',
    ).id
    expect(
      (await send(base, 'POST', '/api/collections', { bearer: key, body: POSTS })).status,
    ).toBe(201)
    const item = { title: 'Hello', status: 'published' }
    expect((await send(base, 'POST', '/api/items/posts', { bearer: key, body: item })).status).toBe(
      201,
    )
    const rule = await send(base, 'POST', '/api/permissions', {
      bearer: key,
      body: { role: 'editor', collection: 'posts', action: 'read' },
    })
    expect(rule.status).toBe(201)
    ruleId = rule.json.data.id
    const listed = await promisify(execFile)(backlex, ['routes', '--json', '--config', config], {
      cwd: exampleDir,
      env: baseEnv({}),
    })
    routes = JSON.parse(listed.stdout)
  })
  afterAll(async () => {
    await app?.close()
  })

  it.skipIf(!target.available)('declares every non-GET route a write unless listed', () => {
    const reads = routes
      .filter((r) => r.method !== 'GET' && r.effect === 'read')
      .map((r) => `${r.method} ${r.path}`)
    expect(reads.sort()).toEqual([...DECLARED_READS].sort())
  })

  it.skipIf(!target.available)(
    'refuses every write route with 403 READ_ONLY_KEY and changes nothing',
    async () => {
      // Its first use stamps the key's lastUsedAt (at most once a minute): not a write of its own.
      await send(base, 'GET', '/api/items/posts', { bearer: readOnly })
      const before = await state()
      const writes = routes.filter((r) => r.effect === 'write')
      expect(writes.length).toBeGreaterThan(15)
      for (const route of writes) {
        const path = route.path
          .replace(':slug', 'posts')
          .replace(':collection', 'posts')
          .replace(':channel', route.path.includes('test-publish') ? 'items:posts' : 'notes')
          .replace(':name', 'editor')
          .replace(':id/roles', `${userId}/roles`)
          .replace('/api/permissions/:id', `/api/permissions/${ruleId}`)
          .replace('/api/api-keys/:id', `/api/api-keys/${readOnlyId}`)
          .replace(':id', '1')
          .replace('*', 'sign-up/email')
        const answer = await send(base, route.method, path, {
          bearer: readOnly,
          body: BODIES[`${route.method} ${route.path}`] ?? {},
          headers: { origin: base },
        })
        expect({ route: `${route.method} ${route.path}`, status: answer.status }).toEqual({
          route: `${route.method} ${route.path}`,
          status: 403,
        })
        expect(codeOf(answer)).toBe('READ_ONLY_KEY')
      }
      expect(await state()).toEqual(before)
      // The same key still reads.
      const read = await send(base, 'GET', '/api/items/posts', { bearer: readOnly })
      expect(read.json.data).toEqual([{ id: 1, title: 'Hello', status: 'published' }])
    },
  )

  it.skipIf(!target.available)('runs GraphQL queries and refuses mutations', async () => {
    const query = await send(base, 'POST', '/api/graphql', {
      bearer: readOnly,
      body: { query: '{ posts { id title } }' },
    })
    expect(query.json).toEqual({ data: { posts: [{ id: 1, title: 'Hello' }] } })
    const mutation = await send(base, 'POST', '/api/graphql', {
      bearer: readOnly,
      body: { query: 'mutation { postsCreate(data: { title: "x" }) { id } }' },
    })
    expect({ status: mutation.status, code: codeOf(mutation) }).toEqual({
      status: 403,
      code: 'READ_ONLY_KEY',
    })
    const items = await send(base, 'GET', '/api/items/posts?fields=id', { bearer: key })
    expect(items.json.data).toEqual([{ id: 1 }])
  })

  it.skipIf(!target.available)('lists and runs only read tools over MCP', async () => {
    const headers = {
      accept: 'application/json, text/event-stream',
      'mcp-protocol-version': '2025-06-18',
    }
    const rpc = (id: number, method: string, params?: unknown) =>
      send(base, 'POST', '/mcp', {
        bearer: readOnly,
        headers,
        body: { jsonrpc: '2.0', id, method, ...(params ? { params } : {}) },
      })
    const listed = await rpc(1, 'tools/list')
    const names: string[] = listed.json.result.tools.map((t: { name: string }) => t.name)
    expect(names).toContain('items.list')
    expect(names).not.toContain('items.create')
    const created = await rpc(2, 'tools/call', {
      name: 'items.create',
      arguments: { collection: 'posts', data: { title: 'x' } },
    })
    expect(JSON.stringify(created.json)).toContain('READ_ONLY_KEY')
    const listedItems = await rpc(3, 'tools/call', {
      name: 'items.list',
      arguments: { collection: 'posts', fields: ['id'] },
    })
    expect(listedItems.json.result.structuredContent).toEqual({ data: [{ id: 1 }] })
    const items = await send(base, 'GET', '/api/items/posts?fields=id', { bearer: key })
    expect(items.json.data).toEqual([{ id: 1 }])
  })
})
