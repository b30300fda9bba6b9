// What the compiled SQL looks like: values are always parameters, wildcards are escaped, and text
// comparisons name their collation. (Whether it selects the right rows is tested in test/.)
import {
  DummyDriver,
  Kysely,
  PostgresAdapter,
  PostgresIntrospector,
  PostgresQueryCompiler,
  SqliteAdapter,
  SqliteIntrospector,
  SqliteQueryCompiler,
} from 'kysely'
import { describe, expect, it } from 'vitest'
import type { FilterSchema } from './field-types.js'
import { parseFilter } from './parse.js'
import { prepareFilter } from './prepare.js'
import { resolveVariables } from './variables.js'

const compilers = {
  sqlite: new Kysely<Record<string, Record<string, unknown>>>({
    dialect: {
      createAdapter: () => new SqliteAdapter(),
      createDriver: () => new DummyDriver(),
      createIntrospector: (db) => new SqliteIntrospector(db),
      createQueryCompiler: () => new SqliteQueryCompiler(),
    },
  }),
  postgres: new Kysely<Record<string, Record<string, unknown>>>({
    dialect: {
      createAdapter: () => new PostgresAdapter(),
      createDriver: () => new DummyDriver(),
      createIntrospector: (db) => new PostgresIntrospector(db),
      createQueryCompiler: () => new PostgresQueryCompiler(),
    },
  }),
}

const schema: FilterSchema = {
  title: { type: 'string' },
  at: { type: 'datetime' },
  views: { type: 'integer' },
}
const principal = { type: 'user', id: 'u1', userId: 'u1', roles: ['editor'], admin: false } as const

function compile(
  dialect: 'sqlite' | 'postgres',
  filter: unknown,
  now = new Date('2024-06-15T12:00:00.000Z'),
) {
  const prepared = prepareFilter(parseFilter(filter, schema), { dialect })
  return compilers[dialect]
    .selectFrom('posts')
    .select('id')
    .where(prepared.toSql(resolveVariables(principal, now), { table: 'posts' }))
    .compile()
}

describe('compiled SQL', () => {
  it('binds every value, and escapes LIKE wildcards on PostgreSQL', () => {
    const pg = compile('postgres', { title: { _contains: "50%_off'; drop table x" } })
    expect(pg.sql).toBe(`select "id" from "posts" where "posts"."title" like $1 escape '\\'`)
    expect(pg.parameters).toEqual(["%50\\%\\_off'; drop table x%"])
    const lite = compile('sqlite', { title: { _icontains: 'ABC' } })
    expect(lite.sql).toBe('select "id" from "posts" where instr(lower("posts"."title"), ?) > 0')
    expect(lite.parameters).toEqual(['abc'])
  })

  it('folds case with ICU on PostgreSQL and lower() on SQLite, the needle folded in JavaScript', () => {
    const pg = compile('postgres', { title: { _icontains: 'ZÜRICH' } })
    expect(pg.sql).toContain('lower("posts"."title" collate "und-x-icu") collate "C" like $1')
    expect(pg.parameters).toEqual(['%zürich%'])
    // SQLite: what folds into the value is replaced first, for a lower() that folds A-Z only.
    const lite = compile('sqlite', { title: { _istarts_with: 'ÉCOLE' } })
    expect(lite.sql).toBe(
      'select "id" from "posts" where instr(lower(replace("posts"."title", ?, ?)), ?) = 1',
    )
    expect(lite.parameters).toEqual(['É', 'é', 'école'])
  })

  it('reads date parts in UTC, binding the compared value', () => {
    const pg = compile('postgres', { 'week(at)': { _gte: 52 } })
    expect(pg.sql).toContain(
      `cast(floor(extract(week from ("posts"."at" at time zone 'UTC'))) as integer) >= cast($1 as bigint)`,
    )
    expect(pg.parameters).toEqual([52])
    const lite = compile('sqlite', { 'month(at)': 6 })
    expect(lite.sql).toContain(`cast(strftime('%m', "posts"."at") as integer) = ?`)
    expect(lite.parameters).toEqual([6])
  })

  it('orders text by code point on both dialects', () => {
    expect(compile('postgres', { title: { _gt: 'a' } }).sql).toContain(
      '"posts"."title" collate "C" > $1',
    )
    expect(compile('sqlite', { title: { _gt: 'a' } }).sql).toContain(
      '"posts"."title" collate binary > ?',
    )
  })

  it('binds $NOW as a parameter, so one prepared filter serves every instant', () => {
    const filter = { at: { _gte: '$NOW(-1 day)' }, views: { _gt: 1 } }
    const first = compile('postgres', filter)
    const later = compile('postgres', filter, new Date('2024-07-01T00:00:00.000Z'))
    expect(first.sql).toBe(later.sql)
    expect(first.sql).toContain('cast($1 as timestamptz)')
    expect(first.parameters).toEqual(['2024-06-14T12:00:00.000Z', 1])
    expect(later.parameters).toEqual(['2024-06-30T00:00:00.000Z', 1])
  })

  it('turns a comparison with a NULL variable into false instead of binding NULL', () => {
    const anonymous = prepareFilter(parseFilter({ title: { _eq: '$CURRENT_USER' } }, schema), {
      dialect: 'sqlite',
    })
    const vars = resolveVariables({
      type: 'anonymous',
      id: null,
      userId: null,
      roles: ['public'],
      admin: false,
    })
    const compiled = compilers.sqlite
      .selectFrom('posts')
      .select('id')
      .where(anonymous.toSql(vars))
      .compile()
    expect(compiled.sql).toBe('select "id" from "posts" where 1 = 0')
  })
})

describe('prepared expressions', () => {
  const at = (iso: string) => resolveVariables(principal, new Date(iso))

  it('builds a filter without variables once per table, and binds the same values', () => {
    const prepared = prepareFilter(parseFilter({ views: { _gt: 10 } }, schema), {
      dialect: 'sqlite',
    })
    const first = prepared.toSql(at('2024-01-01T00:00:00Z'), { table: 'posts' })
    expect(prepared.toSql(at('2025-01-01T00:00:00Z'), { table: 'posts' })).toBe(first)
    const other = prepared.toSql(at('2024-01-01T00:00:00Z'), { table: 'drafts' })
    expect(other).not.toBe(first)
    const sql = compilers.sqlite.selectFrom('drafts').select('id').where(other).compile()
    expect(sql.sql).toBe('select "id" from "drafts" where "drafts"."views" > ?')
    expect(sql.parameters).toEqual([10])
  })

  it('binds the variables of a filter that has them on every call', () => {
    const prepared = prepareFilter(parseFilter({ at: { _lt: '$NOW' } }, schema), {
      dialect: 'postgres',
    })
    const compileAt = (iso: string) =>
      compilers.postgres
        .selectFrom('posts')
        .select('id')
        .where(prepared.toSql(at(iso), { table: 'posts' }))
        .compile().parameters
    expect(compileAt('2024-01-01T00:00:00.000Z')).not.toEqual(compileAt('2025-01-01T00:00:00.000Z'))
  })
})
