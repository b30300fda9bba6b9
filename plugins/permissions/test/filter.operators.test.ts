// Every operator and variable, with the example docs/permissions.md shows, run on both dialects:
// the SQL result and the matcher's must both equal the documented rows.
import { createBacklex, Database, type DatabaseAdapter, defineConfig } from '@backlex/kernel'
import { dialects, silentLogger } from '@backlex/test-utils'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type FilterSchema, parseFilter, prepareFilter, resolveVariables } from '../src/index.js'

const U1 = '6f1c2b3a-0000-4000-8000-000000000001'
const U2 = '6f1c2b3a-0000-4000-8000-000000000002'

const schema: FilterSchema = {
  title: { type: 'string' },
  status: { type: 'string' },
  audience: { type: 'string' },
  views: { type: 'integer' },
  rating: { type: 'float' },
  price: { type: 'decimal' },
  published: { type: 'boolean' },
  published_on: { type: 'date' },
  starts_at: { type: 'time' },
  created_at: { type: 'datetime' },
  owner: { type: 'uuid' },
  meta: { type: 'json' },
}

// biome-ignore format: a table reads best as a table
const articles = [
  { id: 1, title: 'Hello World', status: 'published', audience: 'public', views: 120, rating: 4.5, price: 9.99, published: true, published_on: '2024-06-01', starts_at: '09:00:00', created_at: '2024-06-01T09:00:00.000Z', owner: U1, meta: { a: 1 } },
  { id: 2, title: 'hello again', status: 'draft', audience: 'editor', views: 0, rating: null, price: 0, published: false, published_on: null, starts_at: null, created_at: '2024-06-14T12:00:00.000Z', owner: U2, meta: null },
  { id: 3, title: '100% Sale_Now', status: 'published', audience: 'reviewer', views: 45, rating: 3, price: 19.5, published: true, published_on: '2024-05-15', starts_at: '18:30:00', created_at: '2024-05-15T18:30:00.000Z', owner: U1, meta: null },
  { id: 4, title: 'Élan vital', status: 'archived', audience: null, views: null, rating: -1.5, price: null, published: null, published_on: '2023-12-31', starts_at: '23:59:59', created_at: '2023-12-31T23:59:59.000Z', owner: null, meta: {} },
  { id: 5, title: '', status: null, audience: 'editor', views: 7, rating: 0.25, price: 100, published: false, published_on: null, starts_at: '00:00:00', created_at: null, owner: U2, meta: null },
]

const now = new Date('2024-06-15T12:00:00.000Z')
const variables = resolveVariables(
  {
    type: 'user',
    id: U1,
    userId: U1,
    roles: ['editor'],
    admin: false,
    attributes: { min_views: 10 },
  },
  now,
)

/** [what it shows, filter, ids it selects]; docs/permissions.md uses the same examples. */
export const examples: [string, Record<string, unknown>, number[]][] = [
  ['_eq', { status: { _eq: 'published' } }, [1, 3]],
  ['a bare value is _eq', { status: 'published' }, [1, 3]],
  ['_eq null is _null', { status: { _eq: null } }, [5]],
  ['_neq (NULL never matches)', { status: { _neq: 'draft' } }, [1, 3, 4]],
  ['_lt', { views: { _lt: 45 } }, [2, 5]],
  ['_lte', { views: { _lte: 45 } }, [2, 3, 5]],
  ['_gt on a float', { rating: { _gt: 0.25 } }, [1, 3]],
  ['_gte on a decimal', { price: { _gte: 19.5 } }, [3, 5]],
  ['numeric strings compare as numbers', { views: { _gt: '100' } }, [1]],
  ['_in', { status: { _in: ['draft', 'archived'] } }, [2, 4]],
  ['_in as a comma-separated string', { status: { _in: 'draft,archived' } }, [2, 4]],
  ['_in: [] matches nothing', { status: { _in: [] } }, []],
  ['_nin', { status: { _nin: ['draft'] } }, [1, 3, 4]],
  ['_nin: [] matches everything', { status: { _nin: [] } }, [1, 2, 3, 4, 5]],
  ['_null', { views: { _null: true } }, [4]],
  ['_null: false is _nnull', { views: { _null: false } }, [1, 2, 3, 5]],
  ['_nnull', { published_on: { _nnull: true } }, [1, 3, 4]],
  ['_contains (% is literal)', { title: { _contains: '%' } }, [3]],
  ['_contains (_ is literal)', { title: { _contains: 'e_N' } }, [3]],
  ['_ncontains', { title: { _ncontains: 'llo' } }, [3, 4, 5]],
  ['_icontains', { title: { _icontains: 'HELLO' } }, [1, 2]],
  ['_icontains folds Unicode', { title: { _icontains: 'élan' } }, [4]],
  ['_nicontains folds Unicode', { title: { _nicontains: 'ÉLAN' } }, [1, 2, 3, 5]],
  ['_nicontains', { title: { _nicontains: 'hello' } }, [3, 4, 5]],
  ['_starts_with', { title: { _starts_with: 'Hello' } }, [1]],
  ['_nstarts_with', { title: { _nstarts_with: 'Hello' } }, [2, 3, 4, 5]],
  ['_istarts_with', { title: { _istarts_with: 'hello' } }, [1, 2]],
  ['_nistarts_with', { title: { _nistarts_with: 'hello' } }, [3, 4, 5]],
  ['_ends_with', { title: { _ends_with: '_Now' } }, [3]],
  ['_nends_with', { title: { _nends_with: 'World' } }, [2, 3, 4, 5]],
  ['_iends_with', { title: { _iends_with: 'AGAIN' } }, [2]],
  ['_niends_with', { title: { _niends_with: 'world' } }, [2, 3, 4, 5]],
  ['_between (inclusive)', { views: { _between: [7, 45] } }, [3, 5]],
  ['_nbetween', { views: { _nbetween: [7, 45] } }, [1, 2]],
  ['_empty on text: NULL or empty', { title: { _empty: true } }, [5]],
  ['_empty on text: NULL or empty (NULL)', { status: { _empty: true } }, [5]],
  ['_empty on other types: NULL', { meta: { _empty: true } }, [2, 3, 5]],
  ['_nempty', { title: { _nempty: true } }, [1, 2, 3, 4]],
  ['_and', { _and: [{ status: 'published' }, { views: { _gt: 100 } }] }, [1]],
  ['_or', { _or: [{ status: 'archived' }, { views: { _gt: 100 } }] }, [1, 4]],
  ['siblings are an implicit _and', { status: 'published', views: { _lt: 100 } }, [3]],
  ['several operators on a field', { views: { _gt: 0, _lt: 100 } }, [3, 5]],
  ['booleans', { published: true }, [1, 3]],
  ['booleans from strings', { published: { _eq: 'false' } }, [2, 5]],
  ['dates', { published_on: { _gte: '2024-05-01' } }, [1, 3]],
  ['times', { starts_at: { _gt: '12:00' } }, [3, 4]],
  ['date-times with an offset', { created_at: { _lt: '2024-06-01T10:00:00+02:00' } }, [3, 4]],
  ['$CURRENT_USER', { owner: { _eq: '$CURRENT_USER' } }, [1, 3]],
  ['$CURRENT_USER.<field>', { views: { _gt: '$CURRENT_USER.min_views' } }, [1, 3]],
  ['$CURRENT_USER.<missing> is NULL', { views: { _gt: '$CURRENT_USER.nope' } }, []],
  ['$CURRENT_ROLE', { audience: { _eq: '$CURRENT_ROLE' } }, [2, 5]],
  ['$CURRENT_ROLES', { audience: { _in: '$CURRENT_ROLES' } }, [1, 2, 5]],
  ['$NOW', { created_at: { _lte: '$NOW' } }, [1, 2, 3, 4]],
  ['$NOW(-1 day)', { created_at: { _gte: '$NOW(-1 day)' } }, [2]],
  ['$NOW(-1 month)', { created_at: { _gte: '$NOW(-1 month)' } }, [1, 2, 3]],
  ['$NOW(-1 year) on a date field', { published_on: { _lt: '$NOW(-1 year)' } }, []],
  ['$NOW(-5 months) on a date field', { published_on: { _lt: '$NOW(-5 months)' } }, [4]],
]

describe.each(dialects.filter((d) => d.available))('operators on $dialect', ({ create }) => {
  let database: DatabaseAdapter
  let cleanup: () => Promise<void> = async () => {}

  beforeAll(async () => {
    const testDb = await create()
    const app = createBacklex(defineConfig({ plugins: [testDb.plugin()], logger: silentLogger() }))
    await app.boot()
    database = app.get(Database)
    cleanup = async () => {
      await app.shutdown()
      await testDb.cleanup()
    }
    const pg = database.dialect === 'postgres'
    await database.db.schema
      .createTable('articles')
      .addColumn('id', 'integer', (c) => c.primaryKey())
      .addColumn('title', 'text')
      .addColumn('status', 'text')
      .addColumn('audience', 'text')
      .addColumn('views', 'integer')
      .addColumn('rating', pg ? 'double precision' : 'real')
      .addColumn('price', 'numeric')
      .addColumn('published', pg ? 'boolean' : 'integer')
      .addColumn('published_on', pg ? 'date' : 'text')
      .addColumn('starts_at', pg ? 'time' : 'text')
      .addColumn('created_at', pg ? 'timestamptz' : 'text')
      .addColumn('owner', pg ? 'uuid' : 'text')
      .addColumn('meta', pg ? 'jsonb' : 'text')
      .execute()
    await database.db
      .insertInto('articles')
      .values(
        articles.map((a) => ({
          ...a,
          published: a.published === null || pg ? a.published : Number(a.published),
          meta: a.meta === null ? null : JSON.stringify(a.meta),
        })),
      )
      .execute()
  })
  afterAll(() => cleanup())

  it.each(examples)('%s', async (_, filter, expected) => {
    const prepared = prepareFilter(parseFilter(filter, schema), { dialect: database.dialect })
    const rows = await database.db
      .selectFrom('articles')
      .selectAll()
      .where(prepared.toSql(variables))
      .orderBy('id')
      .execute()
    expect(rows.map((r) => Number(r.id))).toEqual(expected)
    expect(articles.filter((a) => prepared.matches(a, variables)).map((a) => a.id)).toEqual(
      expected,
    )
  })
})
