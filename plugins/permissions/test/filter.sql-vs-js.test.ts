// The law of the DSL: for every filter and row, the SQL compiled for a dialect selects exactly
// the rows the in-process matcher accepts, whether it reads rows from that database or as JSON.
import { createBacklex, Database, type DatabaseAdapter, defineConfig } from '@backlex/kernel'
import { dialects, silentLogger } from '@backlex/test-utils'
import fc from 'fast-check'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { parseFilter, prepareFilter } from '../src/filter/index.js'
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
    .execute()
}

function toDatabaseRow(row: JsonRow, pg: boolean): Record<string, unknown> {
  return {
    ...row,
    b: row.b === null || pg ? row.b : row.b ? 1 : 0,
    m: row.m === null ? null : String(row.m),
    j: row.j === null ? null : JSON.stringify(row.j),
  }
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
})
