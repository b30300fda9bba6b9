// The generated schema: it introspects into a valid client schema, its SDL (subscriptions
// included) is pinned for the blog sample, it follows schema changes on the next request, holds
// only what a role may read, and carries what other plugins contribute.
import { Collections } from '@backlex/collections'
import { definePlugin } from '@backlex/kernel'
import { realtime } from '@backlex/realtime'
import { dialects } from '@backlex/test-utils'
import {
  buildClientSchema,
  getIntrospectionQuery,
  type IntrospectionQuery,
  printSchema,
  validateSchema,
} from 'graphql'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { GraphQLContributions } from '../src/index.js'
import { createBlog, seedBlog } from './helpers/blog.js'
import { ADMIN, codes, startServer, type TestServer } from './helpers/server.js'

const greeter = definePlugin({
  name: '@acme/greeter',
  version: '0.0.0',
  register(ctx) {
    // The example of docs/writing-plugins.md.
    ctx.contribute(GraphQLContributions, (builder, build) => {
      if (!build.typeOf('articles')) return
      builder.queryField('publishedCount', (t) =>
        t.int({
          nullable: false,
          resolve: async (_root, _args, { items, request }) => {
            const { data } = await items.list(request, 'articles', {
              filter: { status: { _eq: 'published' } },
              aggregate: { count: ['*'] },
              meta: [],
              deep: {},
            })
            return Number(data[0]?.count ?? 0)
          },
        }),
      )
    })
    ctx.contribute(GraphQLContributions, (builder, build) => {
      builder.queryField('greeting', (t) =>
        t.string({
          nullable: false,
          args: { name: t.arg.string() },
          resolve: (_root, args, context) =>
            `Hello ${args.name ?? context.request.principal.id ?? 'stranger'} (${build.view.collections.size} collections)`,
        }),
      )
    })
  },
})

const LIMITED = { id: 'u-limited', roles: ['limited'] }

describe.each(dialects.filter((d) => d.available))('graphql schema on $dialect', (dialect) => {
  let t: TestServer
  beforeAll(async () => {
    // With realtime, so the pinned SDL holds the Subscription type too.
    t = await startServer(dialect, { extra: [greeter(), realtime()] })
    await createBlog(t)
    await seedBlog(t)
    await t.permit({
      role: 'limited',
      collection: 'articles',
      action: 'read',
      fields: ['title', 'status', 'views', 'author'],
    })
    await t.permit({ role: 'limited', collection: 'authors', action: 'read', fields: ['name'] })
  })
  afterAll(() => t?.close())

  const sdlOf = async (as?: object) => {
    const res = await t.gql<IntrospectionQuery>(getIntrospectionQuery(), undefined, as)
    expect(res.errors).toBeUndefined()
    const schema = buildClientSchema(res.data as IntrospectionQuery)
    expect(validateSchema(schema)).toEqual([])
    return printSchema(schema)
  }

  it('introspects into a valid schema whose SDL is pinned', async () => {
    const sdl = await sdlOf(ADMIN)
    await expect(sdl).toMatchFileSnapshot('./__snapshots__/blog.admin.sdl')
  })

  it('leaves out what a role cannot read', async () => {
    const sdl = await sdlOf(LIMITED)
    await expect(sdl).toMatchFileSnapshot('./__snapshots__/blog.limited.sdl')
    expect(sdl).not.toMatch(/secret|email|comments|tags|Mutation/)
    const anonymous = await sdlOf()
    expect(anonymous).not.toMatch(/articles/)
    expect(anonymous).toMatch(/schemaVersion: Int!/)
  })

  it('follows a schema change on the next request', async () => {
    const before = await t.gql<{ schemaVersion: number }>('{ schemaVersion }', undefined, ADMIN)
    const missing = await t.gql('{ authors { bio } }', undefined, ADMIN)
    expect(codes(missing)).toEqual(['GRAPHQL_VALIDATION_FAILED'])
    await t.server.kernel
      .get(Collections)
      .update('main', 'authors', { fields: [{ name: 'bio', type: 'text' }] })
    const after = await t.gql<{ authors: { bio: string | null }[]; schemaVersion: number }>(
      '{ schemaVersion authors(limit: 1) { bio } }',
      undefined,
      ADMIN,
    )
    expect(after.errors).toBeUndefined()
    expect(after.data?.authors).toEqual([{ bio: null }])
    expect(after.data?.schemaVersion).toBeGreaterThan(
      before.data?.schemaVersion ?? Number.POSITIVE_INFINITY,
    )
    // A permission change reaches the role's schema too (its fields are part of the cache key).
    await t.permit({ role: 'limited', collection: 'comments', action: 'read' })
    const comments = await t.gql('{ comments(limit: 1) { id } }', undefined, LIMITED)
    expect(comments.errors).toBeUndefined()
  })

  it('serves fields contributed by other plugins', async () => {
    const res = await t.gql<{ greeting: string }>('{ greeting }', undefined, {
      id: 'ada',
      roles: [],
    })
    expect(res.data?.greeting).toBe('Hello ada (0 collections)')
    const admin = await t.gql<{ greeting: string }>(
      'query($n: String) { greeting(name: $n) }',
      { n: 'Grace' },
      ADMIN,
    )
    expect(admin.data?.greeting).toMatch(/^Hello Grace \(\d collections\)$/)
    expect((await t.gql('{ publishedCount }', undefined, ADMIN)).data).toEqual({
      publishedCount: 3,
    })
    // Not contributed to a schema without articles.
    expect(codes(await t.gql('{ publishedCount }'))).toEqual(['GRAPHQL_VALIDATION_FAILED'])
  })
})
