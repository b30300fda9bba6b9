// The law of the DSL: for every filter and row, the SQL compiled for a dialect selects exactly
// the rows the in-process matcher accepts, whether it reads rows from that database or as JSON.
import { createBacklex, Database, type DatabaseAdapter, defineConfig } from '@backlex/kernel'
import { dialects, silentLogger } from '@backlex/test-utils'
import fc from 'fast-check'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  type FilterNode,
  parseFilter,
  prepareFilter,
  type RelationResolver,
} from '../src/filter/index.js'
import {
  filterArbitrary,
  type JsonRow,
  rowArbitrary,
  schema,
  variableSets,
} from './filter-arbitraries.js'

const seed = process.env.FC_SEED ? Number(process.env.FC_SEED) : Math.floor(Math.random() * 2 ** 31)
const numRuns = Number(process.env.FC_RUNS ?? 5000)
const ROWS = 300
console.log(
  `[filter.sql-vs-js] fast-check seed=${seed} numRuns=${numRuns}; replay with FC_SEED=${seed}`,
)

async function createTable(database: DatabaseAdapter): Promise<void> {
  const pg = database.dialect === 'postgres'
  await database.db.schema
    .createTable('fc_rows')
    .addColumn('id', 'integer', (c) => c.primaryKey())
    .addColumn('s', 'text')
    .addColumn('t', 'text')
    .addColumn('e', 'text')
    .addColumn('n', 'integer')
    .addColumn('g', 'bigint')
    .addColumn('f', pg ? 'double precision' : 'real')
    .addColumn('m', 'numeric')
    .addColumn('b', pg ? 'boolean' : 'integer')
    .addColumn('d', pg ? 'date' : 'text')
    .addColumn('tm', pg ? 'time' : 'text')
    .addColumn('ts', pg ? 'timestamptz' : 'text')
    .addColumn('dt', pg ? 'timestamptz' : 'text')
    .addColumn('u', pg ? 'uuid' : 'text')
    .addColumn('j', pg ? 'jsonb' : 'text')
    .addColumn('p', 'integer')
    .execute()
}

/**
 * `p`: a many-to-one key to another row of the table (`parent`); NULL for every fifth row, and past
 * the last row for some (a key naming no row), so missing related rows are common.
 */
const parentOf = (id: number): number | null => (id % 5 === 0 ? null : ((id * 37) % 330) + 1)

/** `parent` leads from a row to the row its `p` names. */
const relations: RelationResolver = (collection, field) =>
  collection === 'fc' && field === 'parent'
    ? {
        cardinality: 'one',
        collection: 'fc',
        table: 'fc_rows',
        schema,
        localColumn: 'p',
        foreignColumn: 'id',
      }
    : undefined

function toDatabaseRow(row: JsonRow, pg: boolean): Record<string, unknown> {
  return {
    ...row,
    p: parentOf(row.id),
    b: row.b === null || pg ? row.b : row.b ? 1 : 0,
    m: row.m === null ? null : String(row.m),
    j: row.j === null ? null : JSON.stringify(row.j),
  }
}

/**
 * Sets `reach` (the related rows it may reach) and `followWhen` (the rows whose key it may read)
 * on every relation of a filter, as the items API does with the caller's rules.
 */
function withAccess(
  node: FilterNode,
  reach: FilterNode | undefined,
  followWhen: FilterNode | undefined,
): FilterNode {
  if (node.kind === 'relation') {
    return {
      ...node,
      filter: withAccess(node.filter, reach, followWhen),
      ...(reach ? { reach } : {}),
      ...(followWhen ? { followWhen } : {}),
    }
  }
  if (node.kind === 'condition') return node
  return { ...node, children: node.children.map((c) => withAccess(c, reach, followWhen)) }
}

describe.each(dialects.filter((d) => d.available))('filter SQL vs JS on $dialect', ({ create }) => {
  let cleanup: () => Promise<void> = async () => {}
  let database: DatabaseAdapter
  let jsonRows: JsonRow[] = []
  let databaseRows: Record<string, unknown>[] = []

  beforeAll(async () => {
    const testDb = await create()
    const app = createBacklex(defineConfig({ plugins: [testDb.plugin()], logger: silentLogger() }))
    await app.boot()
    database = app.get(Database)
    cleanup = async () => {
      await app.shutdown()
      await testDb.cleanup()
    }
    await createTable(database)
    jsonRows = fc
      .sample(rowArbitrary, { seed, numRuns: ROWS })
      .map((row, i) => ({ id: i + 1, ...row }))
    const pg = database.dialect === 'postgres'
    for (let i = 0; i < jsonRows.length; i += 50) {
      const batch = jsonRows.slice(i, i + 50).map((row) => toDatabaseRow(row, pg))
      await database.db.insertInto('fc_rows').values(batch).execute()
    }
    databaseRows = await database.db.selectFrom('fc_rows').selectAll().orderBy('id').execute()
  })

  afterAll(() => cleanup())

  it('selects the rows the matcher accepts, for every generated filter', async () => {
    const { db, dialect } = database
    await fc.assert(
      fc.asyncProperty(filterArbitrary, fc.constantFrom(...variableSets), async (input, vars) => {
        const prepared = prepareFilter(parseFilter(input, schema), { dialect })
        const selected = await db
          .selectFrom('fc_rows')
          .select('id')
          .where(prepared.toSql(vars))
          .orderBy('id')
          .execute()
        const sqlIds = selected.map((r) => Number(r.id))
        const fromDatabase = databaseRows
          .filter((row) => prepared.matches(row, vars))
          .map((r) => Number(r.id))
        const fromJson = jsonRows.filter((row) => prepared.matches(row, vars)).map((r) => r.id)
        expect(fromDatabase).toEqual(sqlIds)
        expect(fromJson).toEqual(sqlIds)
      }),
      { seed, numRuns },
    )
  })

  // Through a many-to-one, with NULL and dangling keys, a reach filter (the related rows the
  // caller may read) and a followWhen filter (the rows whose key it may read): a missing,
  // unreachable or unfollowed related row reads as a row of NULLs on both sides.
  it('agrees through a many-to-one whose related row is often missing', async () => {
    const { db, dialect } = database
    const byId = new Map(jsonRows.map((row) => [row.id, row]))
    const expanded = jsonRows.map((row) => {
      const key = parentOf(row.id)
      return { ...row, parent: key === null ? null : (byId.get(key) ?? null) }
    })
    const relational = fc
      .tuple(filterArbitrary, filterArbitrary, fc.constantFrom('and', 'or', 'alone'))
      .map(([inner, outer, how]) =>
        how === 'alone' ? { parent: inner } : { [`_${how}`]: [outer, { parent: inner }] },
      )
    const access = fc.option(filterArbitrary, { freq: 2, nil: undefined })
    await fc.assert(
      fc.asyncProperty(
        relational,
        access,
        access,
        fc.constantFrom(...variableSets),
        async (input, reachInput, followInput, vars) => {
          const parsed = parseFilter(input, schema, { collection: 'fc', relations })
          const ast = withAccess(
            parsed,
            reachInput ? parseFilter(reachInput, schema) : undefined,
            followInput ? parseFilter(followInput, schema) : undefined,
          )
          const prepared = prepareFilter(ast, { dialect })
          const selected = await db
            .selectFrom('fc_rows')
            .select('id')
            .where(prepared.toSql(vars, { table: 'fc_rows' }))
            .orderBy('id')
            .execute()
          const sqlIds = selected.map((r) => Number(r.id))
          const fromJson = expanded.filter((row) => prepared.matches(row, vars)).map((r) => r.id)
          expect(fromJson).toEqual(sqlIds)
        },
      ),
      { seed, numRuns: Math.ceil(numRuns / 5) },
    )
  })

  // `count(children)`: the rows whose `p` names this one, counted where a filter on them holds
  // (as the items API narrows them to those the caller may read), then compared as an integer.
  it('agrees on count() of one-to-many rows', async () => {
    const { db, dialect } = database
    const counting: RelationResolver = (collection, field) =>
      collection === 'fc' && field === 'children'
        ? {
            cardinality: 'many',
            collection: 'fc',
            table: 'fc_rows',
            schema,
            localColumn: 'id',
            foreignColumn: 'p',
          }
        : relations(collection, field)
    const expanded = jsonRows.map((row) => ({
      ...row,
      children: jsonRows.filter((child) => parentOf(child.id) === row.id),
    }))
    const amount = fc.oneof(fc.integer({ min: -1, max: 3 }), fc.constantFrom('0', '1'))
    const comparison = fc.oneof(
      amount,
      fc
        .tuple(fc.constantFrom('_eq', '_neq', '_lt', '_lte', '_gt', '_gte'), amount)
        .map(([op, n]) => ({ [op]: n })),
      fc.array(amount, { maxLength: 3 }).map((list) => ({ _in: list })),
      fc.tuple(amount, amount).map((pair) => ({ _nbetween: pair })),
    )
    const input = fc
      .tuple(comparison, filterArbitrary, fc.constantFrom('and', 'or', 'alone'))
      .map(([count, other, how]) =>
        how === 'alone'
          ? { 'count(children)': count }
          : { [`_${how}`]: [other, { 'count(children)': count }] },
      )
    const counted = fc.option(filterArbitrary, { freq: 2, nil: undefined })
    const narrow = (node: FilterNode, rows: FilterNode): FilterNode => {
      if (node.kind === 'relation')
        return node.quantifier === 'count' ? { ...node, filter: rows } : node
      if (node.kind === 'condition') return node
      return { ...node, children: node.children.map((child) => narrow(child, rows)) }
    }
    await fc.assert(
      fc.asyncProperty(
        input,
        counted,
        fc.constantFrom(...variableSets),
        async (filter, rowsInput, vars) => {
          let ast = parseFilter(filter, schema, { collection: 'fc', relations: counting })
          if (rowsInput) ast = narrow(ast, parseFilter(rowsInput, schema))
          const prepared = prepareFilter(ast, { dialect })
          const selected = await db
            .selectFrom('fc_rows')
            .select('id')
            .where(prepared.toSql(vars, { table: 'fc_rows' }))
            .orderBy('id')
            .execute()
          const sqlIds = selected.map((r) => Number(r.id))
          const fromJson = expanded.filter((row) => prepared.matches(row, vars)).map((r) => r.id)
          expect(fromJson).toEqual(sqlIds)
        },
      ),
      { seed, numRuns: Math.ceil(numRuns / 5) },
    )
  })
})
