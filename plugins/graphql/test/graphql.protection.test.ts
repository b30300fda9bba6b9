// Protection of /api/graphql over real HTTP: depth, cost and batch limits, the introspection
// switch, GET rules, malformed requests, and errors in the GraphQL format with stable codes
// and never a stack or SQL text.
import { dialects } from '@backlex/test-utils'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createBlog, seedBlog } from './helpers/blog.js'
import { ADMIN, codes, PRINCIPAL_HEADER, startServer, type TestServer } from './helpers/server.js'

const sqlite = dialects.filter((d) => d.dialect === 'sqlite')

describe.each(sqlite)('graphql protection on $dialect', (dialect) => {
  let t: TestServer
  let closed: TestServer
  beforeAll(async () => {
    t = await startServer(dialect, { graphql: { maxDepth: 4, maxCost: 5000, maxBatch: 3 } })
    await createBlog(t)
    await seedBlog(t)
    closed = await startServer(dialect, { graphql: { introspection: false } })
  })
  afterAll(async () => {
    await t?.close()
    await closed?.close()
  })

  const post = async (body: unknown, headers: Record<string, string> = {}) => {
    const res = await fetch(t.url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        [PRINCIPAL_HEADER]: JSON.stringify(ADMIN),
        ...headers,
      },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    })
    return {
      status: res.status,
      body: (await res.json()) as never as Record<string, unknown> & {
        errors?: { extensions: { code: string } }[]
      },
    }
  }
  const code = (body: { errors?: { extensions: { code: string } }[] }) =>
    body.errors?.[0]?.extensions.code

  it('refuses a selection nested deeper than maxDepth', async () => {
    const ok = await t.gql('{ articles { author { articles_via: id } } }', undefined, ADMIN)
    expect(ok.errors).toBeUndefined()
    const deep = await t.gql(
      '{ articles { comments { article { author { name } } } } }',
      undefined,
      ADMIN,
    )
    expect({ status: deep.status, codes: codes(deep) }).toEqual({
      status: 400,
      codes: ['GRAPHQL_DEPTH_LIMIT'],
    })
    // Fragments count as what they expand to.
    const viaFragment = await t.gql(
      'query { articles { ...A } } fragment A on articles { comments { article { author { id } } } }',
      undefined,
      ADMIN,
    )
    expect(codes(viaFragment)).toEqual(['GRAPHQL_DEPTH_LIMIT'])
  })

  it('refuses a query that may read more rows than maxCost, limits included', async () => {
    const ok = await t.gql(
      '{ articles(limit: 10) { comments(limit: 10) { id } } }',
      undefined,
      ADMIN,
    )
    expect(ok.errors).toBeUndefined()
    const big = await t.gql(
      '{ articles(limit: 100) { comments(limit: 100) { id } } }',
      undefined,
      ADMIN,
    )
    expect({ status: big.status, codes: codes(big) }).toEqual({
      status: 400,
      codes: ['GRAPHQL_COST_LIMIT'],
    })
    const viaVariable = await t.gql(
      'query($n: Int) { articles(limit: $n) { comments { id } } }',
      { n: 1000 },
      ADMIN,
    )
    expect(codes(viaVariable)).toEqual(['GRAPHQL_COST_LIMIT'])
  })

  it('runs batches up to maxBatch, in order', async () => {
    const batch = await post([
      { query: '{ articlesById(id: 1) { title } }' },
      {
        query: 'query Q($id: ID!) { articlesById(id: $id) { title } }',
        variables: { id: 3 },
        operationName: 'Q',
      },
      { query: '{ nope }' },
    ])
    expect(batch.status).toBe(200)
    expect(batch.body).toEqual([
      { data: { articlesById: { title: 'Hello World' } } },
      { data: { articlesById: { title: 'Third' } } },
      { errors: [expect.objectContaining({ extensions: { code: 'GRAPHQL_VALIDATION_FAILED' } })] },
    ])
    const tooMany = await post(Array.from({ length: 4 }, () => ({ query: '{ __typename }' })))
    expect({ status: tooMany.status, code: code(tooMany.body) }).toEqual({
      status: 400,
      code: 'GRAPHQL_BATCH_LIMIT',
    })
    expect((await post([])).status).toBe(400)
  })

  it('switches introspection off, __typename still answers', async () => {
    const res = await closed.gql('{ __schema { types { name } } }')
    expect({ status: res.status, codes: [...new Set(codes(res))] }).toEqual({
      status: 400,
      codes: ['GRAPHQL_INTROSPECTION_DISABLED'],
    })
    expect((await closed.gql('{ __typename }')).data).toEqual({ __typename: 'Query' })
  })

  it('answers a too deep introspection query with the depth code while introspection is on', async () => {
    const deep =
      '{ __schema { types { fields { type { fields { type { fields { type { fields { name } } } } } } } } } }'
    const open = await t.gql(deep, undefined, ADMIN)
    expect({ status: open.status, codes: codes(open) }).toEqual({
      status: 400,
      codes: ['GRAPHQL_DEPTH_LIMIT'],
    })
    // A shallow introspection query still answers.
    const shallow = await t.gql('{ __schema { queryType { name } } }', undefined, ADMIN)
    expect(shallow.data).toEqual({ __schema: { queryType: { name: 'Query' } } })
    // With introspection off, the switch is the reason given.
    const closedDeep = await closed.gql(deep)
    expect([...new Set(codes(closedDeep))]).toEqual(['GRAPHQL_INTROSPECTION_DISABLED'])
  })

  it('refuses mutations to a read-only key, admins included, and runs its queries', async () => {
    const readOnlyAdmin = { ...ADMIN, type: 'apiKey', scopes: { readOnly: true, tools: null } }
    const headers = { [PRINCIPAL_HEADER]: JSON.stringify(readOnlyAdmin) }
    const mutation = await post(
      { query: 'mutation { articlesUpdate(id: 1, data: { title: "pwned" }) { id } }' },
      headers,
    )
    expect({ status: mutation.status, code: code(mutation.body) }).toEqual({
      status: 403,
      code: 'READ_ONLY_KEY',
    })
    const batch = await post(
      [
        { query: '{ articlesById(id: 1) { title } }' },
        { query: 'mutation { articlesDelete(id: 1) }' },
      ],
      headers,
    )
    expect(batch.body).toEqual([
      { data: { articlesById: { title: 'Hello World' } } },
      { errors: [expect.objectContaining({ extensions: { code: 'READ_ONLY_KEY' } })] },
    ])
    expect(await t.sql('select title from c_main_articles where id = 1')).toEqual([
      { title: 'Hello World' },
    ])
  })

  it('answers GET for queries only', async () => {
    const query = encodeURIComponent('query($id: ID!) { articlesById(id: $id) { title } }')
    const variables = encodeURIComponent(JSON.stringify({ id: 1 }))
    const headers = { [PRINCIPAL_HEADER]: JSON.stringify(ADMIN) }
    const res = await fetch(`${t.url}?query=${query}&variables=${variables}`, { headers })
    expect({ status: res.status, body: await res.json() }).toEqual({
      status: 200,
      body: { data: { articlesById: { title: 'Hello World' } } },
    })
    const mutation = encodeURIComponent('mutation { articlesDelete(id: 1) }')
    const refused = await fetch(`${t.url}?query=${mutation}`, { headers })
    expect(refused.status).toBe(405)
    expect(code((await refused.json()) as never)).toBe('GRAPHQL_MUTATION_OVER_GET')
    expect((await t.sql('select id from c_main_articles where id = 1')).length).toBe(1)
    expect((await fetch(t.url)).status).toBe(400)
  })

  it('answers malformed requests with a 4xx and a stable code', async () => {
    const cases: [unknown, number, string][] = [
      ['{not json', 400, 'INVALID_JSON'],
      [{}, 400, 'GRAPHQL_BAD_REQUEST'],
      [{ query: '{ articles {' }, 400, 'GRAPHQL_PARSE_FAILED'],
      [{ query: '{ articles { id } }', variables: [1] }, 400, 'GRAPHQL_BAD_REQUEST'],
      [
        { query: 'query($id: ID!) { articlesById(id: $id) { id } }', variables: {} },
        400,
        'GRAPHQL_INVALID_VARIABLES',
      ],
      [{ query: 'query A { __typename } query B { __typename }' }, 400, 'GRAPHQL_BAD_REQUEST'],
      [{ query: `{ ${'a '.repeat(20_000)} }` }, 400, 'GRAPHQL_PARSE_FAILED'],
    ]
    for (const [body, status, expected] of cases) {
      const res = await post(body)
      expect(
        { status: res.status, code: code(res.body) },
        JSON.stringify(body).slice(0, 60),
      ).toEqual({ status, code: expected })
    }
    const text = await fetch(t.url, {
      method: 'POST',
      headers: { 'content-type': 'text/plain' },
      body: '{}',
    })
    expect(text.status).toBe(415)
  })

  it('reports engine errors with their code and path, without stack or SQL', async () => {
    const res = await t.gql(
      '{ a: articles(filter: { views: { _between: [1] } }) { id } b: articles(offset: -1) { id } c: articles(limit: 1) { id } }',
      undefined,
      ADMIN,
    )
    expect(res.status).toBe(200)
    expect(res.data).toEqual({ a: null, b: null, c: [{ id: 1 }] })
    expect(res.errors?.map((e) => [e.path, e.extensions?.code]).sort()).toEqual([
      [['a'], 'INVALID_FILTER'],
      [['b'], 'INVALID_QUERY'],
    ])
    const text = JSON.stringify(res.errors)
    expect(text).not.toMatch(/stack|select |c_main_|at .*\.ts/i)
  })
})
