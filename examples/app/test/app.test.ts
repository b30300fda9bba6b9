// The README's walk-through as a user follows it: `backlex migrate`, then `backlex start` through
// the example's own binary, then every curl of README.md as a fetch, on both dialects.
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { appTargets, recordEvents, stopApp } from '@backlex/test-utils'
import { Client } from '@modelcontextprotocol/sdk/client/index.js'
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { exampleDir, type LaunchedApp, launchExampleApp, send } from './launch.js'

// The bodies of README.md, byte for byte where they are JSON on one line.
const SIGN_UP = { email: 'ada@example.com', password: 'correct horse battery', name: 'Ada' }
const POSTS = {
  slug: 'posts',
  fields: [
    { name: 'title', type: 'string', length: 120, required: true },
    { name: 'body', type: 'text' },
    {
      name: 'status',
      type: 'enum',
      choices: ['draft', 'published'],
      default: 'draft',
      required: true,
    },
    { name: 'views', type: 'integer', default: 0 },
  ],
}
const FIRST_POSTS = [
  { title: 'Hello world', body: 'First post', status: 'published', views: 120 },
  { title: 'Work in progress', body: 'Not yet', views: 3 },
  { title: 'Second post', body: 'More', status: 'published', views: 45 },
]
const PUBLISHED_QUERY =
  '/api/items/posts?filter[status][_eq]=published&sort=-views&fields=id,title,views'
const PUBLISHED_GRAPHQL = {
  query: '{ posts(filter: { status: { _eq: "published" } }, sort: ["-views"]) { id title views } }',
}
const LIVE_POST = { title: 'Live', status: 'published', views: 7 }
const PUBLIC_READ = {
  role: 'public',
  collection: 'posts',
  action: 'read',
  filter: { status: { _eq: 'published' } },
  fields: ['id', 'title', 'body', 'views'],
}
const ITEMS_LIST_ARGUMENTS = {
  collection: 'posts',
  filter: { status: { _eq: 'published' } },
  sort: ['-views'],
  fields: ['id', 'title', 'views'],
}
const MCP_INITIALIZE = {
  jsonrpc: '2.0',
  id: 1,
  method: 'initialize',
  params: {
    protocolVersion: '2025-06-18',
    capabilities: {},
    clientInfo: { name: 'curl', version: '1' },
  },
}
const MCP_TOOLS_LIST = { jsonrpc: '2.0', id: 2, method: 'tools/list' }
const MCP_ITEMS_LIST = {
  jsonrpc: '2.0',
  id: 3,
  method: 'tools/call',
  params: { name: 'items.list', arguments: ITEMS_LIST_ARGUMENTS },
}

describe.each(appTargets)('examples/app on $dialect', ({ dialect, available, env }) => {
  let app: LaunchedApp | undefined
  let base = ''
  let token = ''
  let key = ''
  // Every request the walk-through makes, to check README.md against at the end.
  const sent: { path: string; body: unknown }[] = []

  /** One request of the walk-through: `bearer` as curl's `-H "authorization: Bearer ..."`. */
  function call(
    method: 'GET' | 'POST',
    path: string,
    options: { bearer?: string; body?: unknown; headers?: Record<string, string> } = {},
  ) {
    sent.push({ path, body: options.body })
    return send(base, method, path, options)
  }

  beforeAll(async () => {
    if (!available) return
    app = await launchExampleApp({ dialect, available, env })
    for (const plugin of ['auth', 'permissions', 'collections', 'realtime']) {
      expect(app.migrated).toContain(`@backlex/${plugin}: applied 0001_`)
    }
    base = app.base
  })
  afterAll(async () => {
    await app?.close()
  })

  it.skipIf(!available)('signs up the first user as admin', async () => {
    // Node's fetch sends `Sec-Fetch-Mode: cors` as a browser does, so better-auth wants to see
    // the Origin a browser would send; the README's curl sends the same header.
    const signedUp = await call('POST', '/api/auth/sign-up/email', {
      body: SIGN_UP,
      headers: { origin: base },
    })
    expect(signedUp.status).toBe(200)
    expect(signedUp.json.user).toMatchObject({ email: 'ada@example.com', name: 'Ada' })
    token = signedUp.json.token
    expect(token).toEqual(expect.any(String))

    const principal = await call('GET', '/api/auth/principal', { bearer: token })
    expect(principal.json.data).toMatchObject({ type: 'user', roles: ['admin'], admin: true })
  })

  it.skipIf(!available)('creates an API key with the session', async () => {
    const created = await call('POST', '/api/api-keys', {
      bearer: token,
      body: { name: 'walk-through' },
    })
    expect(created.status).toBe(201)
    expect(created.json.data).toMatchObject({ name: 'walk-through', roles: ['admin'] })
    key = created.json.data.secret
    expect(key).toMatch(/^blx_[A-Za-z0-9]{40}$/)
  })

  it.skipIf(!available)('creates the posts collection and adds items', async () => {
    const collection = await call('POST', '/api/collections', { bearer: key, body: POSTS })
    expect(collection.status).toBe(201)
    expect(collection.json.data).toMatchObject({ slug: 'posts', kind: 'managed' })

    const items = await call('POST', '/api/items/posts', { bearer: key, body: FIRST_POSTS })
    expect(items.status).toBe(201)
    expect(items.json.data).toEqual([
      { id: 1, title: 'Hello world', body: 'First post', status: 'published', views: 120 },
      { id: 2, title: 'Work in progress', body: 'Not yet', status: 'draft', views: 3 },
      { id: 3, title: 'Second post', body: 'More', status: 'published', views: 45 },
    ])
  })

  it.skipIf(!available)('refuses a bad item with 400 INVALID_ITEM and writes nothing', async () => {
    const rejected = await call('POST', '/api/items/posts', {
      bearer: key,
      body: { title: 'Oops', status: 'archived' },
    })
    expect(rejected.status).toBe(400)
    expect(rejected.json.errors[0].extensions).toMatchObject({
      code: 'INVALID_ITEM',
      collection: 'posts',
      issues: [{ path: 'status' }],
    })

    const all = await call('GET', '/api/items/posts?fields=id&sort=id', { bearer: key })
    expect(all.json.data).toEqual([{ id: 1 }, { id: 2 }, { id: 3 }])
  })

  it.skipIf(!available)('lists published posts over REST and GraphQL alike', async () => {
    const rest = await call('GET', PUBLISHED_QUERY, { bearer: key })
    expect(rest.status).toBe(200)
    const rows = [
      { id: 1, title: 'Hello world', views: 120 },
      { id: 3, title: 'Second post', views: 45 },
    ]
    expect(rest.json.data).toEqual(rows)

    const graphql = await call('POST', '/api/graphql', { bearer: key, body: PUBLISHED_GRAPHQL })
    expect(graphql.status).toBe(200)
    expect(graphql.json).toEqual({ data: { posts: rows } })
  })

  it.skipIf(!available)('streams the create event of a post added after subscribing', async () => {
    const path = '/api/realtime/items:posts/subscribe'
    sent.push({ path, body: undefined })
    const response = await fetch(`${base}${path}`, {
      headers: { authorization: `Bearer ${key}` },
      signal: AbortSignal.timeout(15_000),
    })
    expect(response.status).toBe(200)
    expect(response.headers.get('content-type')).toMatch(/^text\/event-stream/)
    if (!response.body) throw new Error('no stream body')
    const events = recordEvents(response.body)
    const next = (name: string) => events.waitFor((e) => e.event === name, 15_000)
    try {
      // `ready` means the subscriber has joined the channel: what is written next reaches it.
      expect(JSON.parse((await next('ready')).data)).toEqual({ channel: 'items:posts' })
      const created = await call('POST', '/api/items/posts', { bearer: key, body: LIVE_POST })
      expect(created.status).toBe(201)

      const event = await next('create')
      expect(event.id).toBe('4')
      expect(JSON.parse(event.data)).toEqual({
        collection: 'posts',
        key: 4,
        data: { id: 4, title: 'Live', body: null, status: 'published', views: 7 },
      })
    } finally {
      await events.close()
    }
  })

  it.skipIf(!available)('lets anonymous callers read only published posts', async () => {
    const denied = await call('GET', '/api/items/posts')
    expect(denied.status).toBe(403)
    expect(denied.json.errors[0].extensions.code).toBe('FORBIDDEN')

    const rule = await call('POST', '/api/permissions', { bearer: key, body: PUBLIC_READ })
    expect(rule.status).toBe(201)
    expect(rule.json.data).toMatchObject({ role: 'public', collection: 'posts', action: 'read' })

    const rest = await call('GET', '/api/items/posts?sort=id')
    expect(rest.status).toBe(200)
    expect(rest.json.data).toEqual([
      { id: 1, title: 'Hello world', body: 'First post', views: 120 },
      { id: 3, title: 'Second post', body: 'More', views: 45 },
      { id: 4, title: 'Live', body: null, views: 7 },
    ])

    const graphql = await call('POST', '/api/graphql', {
      body: { query: '{ posts(sort: ["id"]) { id title } }' },
    })
    expect(graphql.json).toEqual({
      data: {
        posts: [
          { id: 1, title: 'Hello world' },
          { id: 3, title: 'Second post' },
          { id: 4, title: 'Live' },
        ],
      },
    })
    // The status is not among the public fields, so it cannot be asked for either.
    const hidden = await call('POST', '/api/graphql', { body: { query: '{ posts { status } }' } })
    expect(hidden.status).toBe(400)
    expect(hidden.json.errors[0].extensions.code).toBe('GRAPHQL_VALIDATION_FAILED')
  })

  it.skipIf(!available)('serves items.list over MCP with the key', async () => {
    const published = [
      { id: 1, title: 'Hello world', views: 120 },
      { id: 3, title: 'Second post', views: 45 },
      { id: 4, title: 'Live', views: 7 },
    ]

    // An MCP client, as an agent connects.
    const client = new Client({ name: 'example-app-test', version: '0.0.0' })
    await client.connect(
      new StreamableHTTPClientTransport(new URL(`${base}/mcp`), {
        requestInit: { headers: { authorization: `Bearer ${key}` } },
      }),
    )
    try {
      expect(client.getServerCapabilities()?.tools).toBeDefined()
      const { tools } = await client.listTools()
      expect(tools.map((tool) => tool.name)).toContain('items.list')
      const result = await client.callTool({ name: 'items.list', arguments: ITEMS_LIST_ARGUMENTS })
      expect(result.isError).toBeFalsy()
      expect(result.structuredContent).toEqual({ data: published })
    } finally {
      await client.close()
    }

    // The README's curl requests.
    const headers = {
      accept: 'application/json, text/event-stream',
      'mcp-protocol-version': '2025-06-18',
    }
    const initialized = await call('POST', '/mcp', { bearer: key, body: MCP_INITIALIZE, headers })
    expect(initialized.status).toBe(200)
    expect(initialized.json.result).toMatchObject({
      protocolVersion: '2025-06-18',
      capabilities: { tools: {} },
    })
    const listed = await call('POST', '/mcp', { bearer: key, body: MCP_TOOLS_LIST, headers })
    expect(listed.json.result.tools.map((tool: { name: string }) => tool.name)).toContain(
      'items.list',
    )
    const called = await call('POST', '/mcp', { bearer: key, body: MCP_ITEMS_LIST, headers })
    expect(called.json.result.structuredContent).toEqual({ data: published })
    expect(JSON.parse(called.json.result.content[0].text)).toEqual({ data: published })
  })

  it.skipIf(!available)('stops with exit code 0 on SIGTERM', async () => {
    if (!app) throw new Error('the server did not start')
    expect(await stopApp(app.server.child)).toBe(0)
  })

  it.skipIf(!available)('ran every request of README.md', async () => {
    const readme = await readFile(join(exampleDir, 'README.md'), 'utf8')
    const paths = [...readme.matchAll(/"\$B(\/[^"]*)"/g)].map((match) => match[1])
    const bodies = [...readme.matchAll(/-d '([^']*)'/g)].map((match) => JSON.parse(match[1] ?? ''))
    expect(paths.length).toBeGreaterThan(10)
    expect(bodies.length).toBeGreaterThan(10)
    const sentPaths = sent.map((request) => request.path)
    for (const path of paths) expect(sentPaths).toContain(path)
    const sentBodies = sent.map((request) => request.body)
    for (const body of bodies) expect(sentBodies).toContainEqual(body)
  })
})
