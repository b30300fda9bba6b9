// Relational filters (`author.country`, `_some`, `_none`) with a relation resolver, as the
// collections plugin will supply one: EXISTS subqueries in SQL, expanded rows in the matcher.
import { createBacklex, Database, type DatabaseAdapter, defineConfig } from '@backlex/kernel'
import { dialects, silentLogger } from '@backlex/test-utils'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  type FilterNode,
  type FilterRelation,
  type FilterSchema,
  parseFilter,
  prepareFilter,
  type RelationNode,
  type RelationResolver,
  resolveVariables,
} from '../src/index.js'

const schemas: Record<string, FilterSchema> = {
  posts: { title: { type: 'string' }, author: { type: 'integer' } },
  authors: { id: { type: 'integer' }, name: { type: 'string' }, country: { type: 'string' } },
  comments: { post: { type: 'integer' }, approved: { type: 'boolean' } },
}
const relations: Record<string, Record<string, FilterRelation>> = {
  posts: {
    author: {
      cardinality: 'one',
      collection: 'authors',
      table: 'authors',
      schema: schemas.authors,
      localColumn: 'author',
      foreignColumn: 'id',
    },
    comments: {
      cardinality: 'many',
      collection: 'comments',
      table: 'comments',
      schema: schemas.comments,
      localColumn: 'id',
      foreignColumn: 'post',
    },
  },
}
const resolver: RelationResolver = (collection, field) => relations[collection ?? '']?.[field]

const authors = [
  { id: 1, name: 'Ada', country: 'FR' },
  { id: 2, name: 'Bob', country: 'DE' },
]
const posts = [
  { id: 10, title: 'a', author: 1 },
  { id: 11, title: 'b', author: 2 },
  { id: 12, title: 'c', author: null },
  // A key naming no author (no foreign key constraint here): also no related row.
  { id: 13, title: 'd', author: 99 },
]
const comments = [
  { id: 100, post: 10, approved: true },
  { id: 101, post: 10, approved: false },
  { id: 102, post: 11, approved: true },
]
/** Posts as an API would return them with relations expanded. */
const expanded = posts.map((p) => ({
  ...p,
  author: authors.find((a) => a.id === p.author) ?? null,
  comments: comments.filter((c) => c.post === p.id),
}))

const variables = resolveVariables({
  type: 'anonymous',
  id: null,
  userId: null,
  roles: ['public'],
  admin: false,
})
const parse = (filter: unknown) =>
  parseFilter(filter, schemas.posts, { collection: 'posts', relations: resolver })

describe.each(dialects.filter((d) => d.available))(
  'relational filters on $dialect',
  ({ create }) => {
    let database: DatabaseAdapter
    let cleanup: () => Promise<void> = async () => {}

    beforeAll(async () => {
      const testDb = await create()
      const app = createBacklex(
        defineConfig({ plugins: [testDb.plugin()], logger: silentLogger() }),
      )
      await app.boot()
      database = app.get(Database)
      cleanup = async () => {
        await app.shutdown()
        await testDb.cleanup()
      }
      const pg = database.dialect === 'postgres'
      const { schema } = database.db
      await schema
        .createTable('authors')
        .addColumn('id', 'integer', (c) => c.primaryKey())
        .addColumn('name', 'text')
        .addColumn('country', 'text')
        .execute()
      await schema
        .createTable('posts')
        .addColumn('id', 'integer', (c) => c.primaryKey())
        .addColumn('title', 'text')
        .addColumn('author', 'integer')
        .execute()
      await schema
        .createTable('comments')
        .addColumn('id', 'integer', (c) => c.primaryKey())
        .addColumn('post', 'integer')
        .addColumn('approved', pg ? 'boolean' : 'integer')
        .execute()
      await database.db.insertInto('authors').values(authors).execute()
      await database.db.insertInto('posts').values(posts).execute()
      await database.db
        .insertInto('comments')
        .values(comments.map((c) => ({ ...c, approved: pg ? c.approved : Number(c.approved) })))
        .execute()
    })
    afterAll(() => cleanup())

    it.each([
      ['a dotted path', { 'author.country': { _eq: 'FR' } }, [10]],
      ['a nested object', { author: { country: { _neq: 'FR' } } }, [11]],
      ['_some', { comments: { _some: { approved: { _eq: false } } } }, [10]],
      ['_none', { comments: { _none: { approved: { _eq: false } } } }, [11, 12, 13]],
      ['an implied _some', { comments: { approved: true } }, [10, 11]],
      [
        'relations with other conditions',
        { _or: [{ title: 'c' }, { 'author.name': { _starts_with: 'B' } }] },
        [11, 12],
      ],
    ])('%s', async (_, filter, expected) => {
      const prepared = prepareFilter(parse(filter), { dialect: database.dialect })
      const rows = await database.db
        .selectFrom('posts')
        .select('id')
        .where(prepared.toSql(variables, { table: 'posts' }))
        .orderBy('id')
        .execute()
      expect(rows.map((r) => Number(r.id))).toEqual(expected)
      expect(expanded.filter((p) => prepared.matches(p, variables)).map((p) => p.id)).toEqual(
        expected,
      )
    })

    // A missing related row reads as a row of NULLs (SQL's LEFT JOIN, Directus's answer): posts
    // 12 (no author) and 13 (a key naming no author) match exactly what NULL matches.
    it.each([
      ['_null through the relation', { author: { country: { _null: true } } }, [12, 13]],
      ['_null on the related key', { author: { id: { _null: true } } }, [12, 13]],
      ['_empty', { author: { country: { _empty: true } } }, [12, 13]],
      ['_nnull', { author: { country: { _nnull: true } } }, [10, 11]],
      ['_neq', { author: { country: { _neq: 'FR' } } }, [11]],
      ['_nin', { author: { country: { _nin: ['FR'] } } }, [11]],
      ['an empty _nin', { author: { country: { _nin: [] } } }, [10, 11, 12, 13]],
      ['_ncontains', { author: { name: { _ncontains: 'A' } } }, [11]],
      ['_nbetween', { author: { id: { _nbetween: [2, 5] } } }, [10]],
      [
        '_or inside the relation',
        { author: { _or: [{ country: { _null: true } }, { name: 'Ada' }] } },
        [10, 12, 13],
      ],
      [
        '_and inside the relation',
        { author: { _and: [{ country: { _null: true } }, { name: { _neq: 'Ada' } }] } },
        [],
      ],
      [
        '_or around the relation',
        { _or: [{ title: 'a' }, { 'author.country': { _null: true } }] },
        [10, 12, 13],
      ],
      [
        'a condition beside the relation',
        { author: { name: { _eq: 'Ada' } }, title: { _neq: 'x' } },
        [10],
      ],
    ])('missing related rows: %s', async (_, filter, expected) => {
      const prepared = prepareFilter(parse(filter), { dialect: database.dialect })
      const rows = await database.db
        .selectFrom('posts')
        .select('id')
        .where(prepared.toSql(variables, { table: 'posts' }))
        .orderBy('id')
        .execute()
      expect(rows.map((r) => Number(r.id))).toEqual(expected)
      expect(expanded.filter((p) => prepared.matches(p, variables)).map((p) => p.id)).toEqual(
        expected,
      )
    })

    it('a related row the filter may not reach counts as missing, in SQL and in JS', async () => {
      // As the items API builds it: the caller may read authors outside DE only.
      const reach = parseFilter({ country: { _neq: 'DE' } }, schemas.authors)
      const withReach = (filter: unknown): FilterNode => {
        const node = parse(filter) as RelationNode
        return { ...node, reach }
      }
      const run = async (filter: unknown) => {
        const prepared = prepareFilter(withReach(filter), { dialect: database.dialect })
        const rows = await database.db
          .selectFrom('posts')
          .select('id')
          .where(prepared.toSql(variables, { table: 'posts' }))
          .orderBy('id')
          .execute()
        const js = expanded.filter((p) => prepared.matches(p, variables)).map((p) => p.id)
        expect(js).toEqual(rows.map((r) => Number(r.id)))
        return js
      }
      expect(await run({ author: { country: { _null: true } } })).toEqual([11, 12, 13])
      expect(await run({ author: { name: { _eq: 'Bob' } } })).toEqual([])
      expect(await run({ author: { name: { _nnull: true } } })).toEqual([10])
    })

    it('on a row outside followWhen the related row counts as missing, in SQL and in JS', async () => {
      // As the items API builds it when the caller may read the author key of some posts only.
      const followWhen = parseFilter({ title: { _neq: 'b' } }, schemas.posts)
      const run = async (filter: unknown) => {
        const ast: FilterNode = { ...(parse(filter) as RelationNode), followWhen }
        const prepared = prepareFilter(ast, { dialect: database.dialect })
        const rows = await database.db
          .selectFrom('posts')
          .select('id')
          .where(prepared.toSql(variables, { table: 'posts' }))
          .orderBy('id')
          .execute()
        const js = expanded.filter((p) => prepared.matches(p, variables)).map((p) => p.id)
        expect(js).toEqual(rows.map((r) => Number(r.id)))
        return js
      }
      expect(await run({ author: { country: { _null: true } } })).toEqual([11, 12, 13])
      expect(await run({ author: { name: { _eq: 'Bob' } } })).toEqual([])
      expect(await run({ author: { name: { _eq: 'Ada' } } })).toEqual([10])
    })

    it('a junction link with missing: no-match never matches a missing row', async () => {
      const strict: RelationResolver = (collection, field) => {
        const found = resolver(collection, field)
        return found && field === 'author' ? { ...found, missing: 'no-match' } : found
      }
      const ast = parseFilter({ author: { country: { _null: true } } }, schemas.posts, {
        collection: 'posts',
        relations: strict,
      })
      const prepared = prepareFilter(ast, { dialect: database.dialect })
      const rows = await database.db
        .selectFrom('posts')
        .select('id')
        .where(prepared.toSql(variables, { table: 'posts' }))
        .execute()
      expect(rows).toEqual([])
      expect(expanded.filter((p) => prepared.matches(p, variables))).toEqual([])
    })

    it('needs the outer table to correlate the subquery', () => {
      const prepared = prepareFilter(parse({ 'author.country': 'FR' }), {
        dialect: database.dialect,
      })
      expect(() => prepared.toSql(variables)).toThrow(/table/)
    })
  },
)

describe('relational filter errors', () => {
  it.each([
    [{ 'author.country': 'FR' }, undefined, 'author.country', /relations are not available/],
    [
      { author: { _some: { country: 'FR' } } },
      resolver,
      'author._some',
      /only applies to one-to-many/,
    ],
    [{ 'author.age': { _gt: 1 } }, resolver, 'author.age', /unknown field "age" of "authors"/],
    [{ editor: { name: 'x' } }, resolver, 'editor', /"editor" is not a relation/],
    [{ comments: { _some: {}, approved: true } }, resolver, 'comments', /must be the only key/],
    // `_and` / `_or` under a field only combine a relation's fields.
    [{ title: { _or: [{ _eq: 'a' }] } }, resolver, 'title._or', /unknown operator _or/],
    [{ author: { _or: { name: 'x' } } }, resolver, 'author._or', /expected an array/],
  ])('%j is rejected at its path', (filter, relationResolver, path, reason) => {
    expect(() =>
      parseFilter(filter, schemas.posts, { collection: 'posts', relations: relationResolver }),
    ).toThrow(
      expect.objectContaining({
        code: 'INVALID_FILTER',
        details: { path, reason: expect.stringMatching(reason) },
      }),
    )
  })
})
