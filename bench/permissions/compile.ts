// Compiling a 10-clause permission filter to SQL text on both dialects: cold (parse, compile, bind,
// render) and warm (the prepared filter is cached: bind and render only). Baseline: Kysely's own
// expression builder rendering the same WHERE clause by hand.

import {
  type FilterSchema,
  parseFilter,
  prepareFilter,
  resolveVariables,
} from '@backlex/permissions'
import {
  DummyDriver,
  type Expression,
  Kysely,
  PostgresAdapter,
  PostgresIntrospector,
  PostgresQueryCompiler,
  type SqlBool,
  SqliteAdapter,
  SqliteIntrospector,
  SqliteQueryCompiler,
} from 'kysely'
import { environment, measure, us } from './measure.ts'

const RUNS = Number(process.env.RUNS ?? 5000)

type Db = Record<string, Record<string, unknown>>
const compilers = {
  sqlite: new Kysely<Db>({
    dialect: {
      createAdapter: () => new SqliteAdapter(),
      createDriver: () => new DummyDriver(),
      createIntrospector: (db) => new SqliteIntrospector(db),
      createQueryCompiler: () => new SqliteQueryCompiler(),
    },
  }),
  postgres: new Kysely<Db>({
    dialect: {
      createAdapter: () => new PostgresAdapter(),
      createDriver: () => new DummyDriver(),
      createIntrospector: (db) => new PostgresIntrospector(db),
      createQueryCompiler: () => new PostgresQueryCompiler(),
    },
  }),
}

const schema: FilterSchema = {
  status: { type: 'string' },
  owner: { type: 'uuid' },
  views: { type: 'integer' },
  title: { type: 'string' },
  published_at: { type: 'datetime' },
  featured: { type: 'boolean' },
  rating: { type: 'float' },
  category: { type: 'string' },
}

/** Ten conditions, nested, with variables. */
const filter = {
  _and: [
    { status: { _in: ['published', 'review'] } },
    { owner: { _eq: '$CURRENT_USER' } },
    { views: { _gte: 10, _lt: 10_000 } },
    { title: { _icontains: 'hello' } },
    { published_at: { _lte: '$NOW', _gte: '$NOW(-30 days)' } },
    { _or: [{ featured: { _eq: true } }, { rating: { _gt: 3.5 } }] },
    { category: { _nin: ['spam'] } },
  ],
}

const variables = resolveVariables(
  {
    type: 'user',
    id: '6f1c2b3a-0000-4000-8000-000000000001',
    userId: null,
    roles: ['editor'],
    admin: false,
  },
  new Date('2024-06-15T12:00:00.000Z'),
)

console.log(`compile: ${environment()}`)
for (const dialect of ['sqlite', 'postgres'] as const) {
  const db = compilers[dialect]
  const render = (where: Expression<SqlBool>) =>
    db.selectFrom('posts').selectAll().where(where).compile()
  const prepared = prepareFilter(parseFilter(filter, schema), { dialect })
  const cold = measure(
    () =>
      render(
        prepareFilter(parseFilter(filter, schema), { dialect }).toSql(variables, {
          table: 'posts',
        }),
      ),
    RUNS,
  )
  const warm = measure(() => render(prepared.toSql(variables, { table: 'posts' })), RUNS)
  const now = variables.now.getTime()
  const byHand = measure(
    () =>
      db
        .selectFrom('posts')
        .selectAll()
        .where((eb) =>
          eb.and([
            eb('status', 'in', ['published', 'review']),
            eb('owner', '=', variables.user?.id),
            eb('views', '>=', 10),
            eb('views', '<', 10_000),
            eb(eb.fn('lower', ['title']), 'like', '%hello%'),
            eb('published_at', '<=', new Date(now).toISOString()),
            eb('published_at', '>=', new Date(now - 30 * 86_400_000).toISOString()),
            eb.or([eb('featured', '=', true), eb('rating', '>', 3.5)]),
            eb('category', 'not in', ['spam']),
          ]),
        )
        .compile(),
    RUNS,
  )
  console.log(
    `  ${dialect}: cold (parse + compile + bind + render) median ${us(cold.median)}, p95 ${us(cold.p95)}; warm (bind + render) median ${us(warm.median)}, p95 ${us(warm.p95)}; Kysely by hand median ${us(byHand.median)}`,
  )
}
console.log(
  `  SQL (postgres): ${
    compilers.postgres
      .selectFrom('posts')
      .selectAll()
      .where(
        prepareFilter(parseFilter(filter, schema), { dialect: 'postgres' }).toSql(variables, {
          table: 'posts',
        }),
      )
      .compile().sql
  }`,
)
