// Where SQLite's lower() folds A-Z only (bun:sqlite and D1 cannot replace it as @backlex/sqlite
// does on node:sqlite), the compiled filters still fold Unicode as the matcher does. SQLite's
// own lower() runs here: a node:sqlite connection without the Unicode one, the same engine code
// bun:sqlite and D1 run.
import { DatabaseSync } from 'node:sqlite'
import { DummyDriver, Kysely, SqliteAdapter, SqliteIntrospector, SqliteQueryCompiler } from 'kysely'
import { describe, expect, it } from 'vitest'
import { foldReplacements, parseFilter, prepareFilter } from '../src/filter/index.js'
import { anonymousVariables, WORDS, wordSchema } from './unicode-words.js'

const schema = wordSchema
const vars = anonymousVariables

// Compiles only: the statements run on the plain connection below.
// biome-ignore lint/suspicious/noExplicitAny: a table without a typed schema
const compiler = new Kysely<any>({
  dialect: {
    createAdapter: () => new SqliteAdapter(),
    createDriver: () => new DummyDriver(),
    createIntrospector: (db) => new SqliteIntrospector(db),
    createQueryCompiler: () => new SqliteQueryCompiler(),
  },
})
const db = new DatabaseSync(':memory:')
db.exec('create table words (id integer primary key, name text)')
const insert = db.prepare('insert into words (id, name) values (?, ?)')
for (const [i, name] of WORDS.entries()) insert.run(i + 1, name)

function names(filter: Record<string, unknown>): string[] {
  const prepared = prepareFilter(parseFilter(filter, schema), { dialect: 'sqlite' })
  const query = compiler
    .selectFrom('words')
    .select('id')
    .where(prepared.toSql(vars))
    .orderBy('id')
    .compile()
  const rows = db.prepare(query.sql).all(...(query.parameters as never[])) as { id: number }[]
  const fromSql = rows.map((r) => WORDS[r.id - 1] as string)
  const fromJs = WORDS.filter((name, i) => prepared.matches({ id: i + 1, name }, vars))
  expect(fromJs, JSON.stringify(filter)).toEqual(fromSql)
  return fromSql
}

describe('Unicode case folding with SQLite’s own lower() (bun:sqlite, D1)', () => {
  it('folds A-Z only by itself: the case the replacements are for', () => {
    const row = db.prepare("select lower('ZÜRICH') as folded").get() as { folded: string }
    expect(row.folded).toBe('zÜrich')
  })

  it('finds every case of letters above ASCII, as the matcher does', () => {
    expect(names({ name: { _icontains: 'ZÜRICH' } })).toEqual(['Zürich', 'ZÜRICH'])
    expect(names({ name: { _icontains: 'café' } })).toEqual(['café', 'CAFÉ crème'])
    expect(names({ name: { _istarts_with: 'москва' } })).toEqual(['Москва', 'МОСКВА'])
    expect(names({ name: { _iends_with: 'ΦΙΑ' } })).toEqual(['ΣΟΦΙΑ'])
    expect(names({ name: { _icontains: '\u01C4E' } })).toEqual(['\u01C5emal'])
    expect(names({ name: { _icontains: 'ångström' } })).toEqual(['ÅNGSTRÖM'])
    expect(names({ name: { _icontains: 'i̇stan' } })).toEqual(['İstanbul'])
  })

  it('negates them row for row, and leaves the case-sensitive operators exact', () => {
    expect(names({ name: { _nicontains: 'ü' } })).toEqual(
      WORDS.filter((w) => !w.toLowerCase().includes('ü')),
    )
    expect(names({ name: { _niends_with: 'ВА' } })).toEqual(
      WORDS.filter((w) => !w.toLowerCase().endsWith('ва')),
    )
    expect(names({ name: { _contains: 'ZÜ' } })).toEqual(['ZÜRICH'])
  })

  it('leaves Σ unfolded (its lower case depends on the word), the one letter that differs there', () => {
    const prepared = prepareFilter(parseFilter({ name: { _istarts_with: 'Σοφ' } }, schema), {
      dialect: 'sqlite',
    })
    expect(prepared.matches({ name: 'ΣΟΦΙΑ' }, vars)).toBe(true)
    const query = compiler.selectFrom('words').select('id').where(prepared.toSql(vars)).compile()
    const rows = db.prepare(query.sql).all(...(query.parameters as never[])) as { id: number }[]
    expect(rows.map((r) => WORDS[r.id - 1])).toEqual(['σοφία'])
  })

  it('adds nothing to an ASCII needle, and only what can fold into a non-ASCII one', () => {
    expect(foldReplacements('plain')).toEqual([])
    const steps = new Map(foldReplacements('ZÜ'))
    expect(steps.get('Ü')).toBe('ü')
    expect([...steps.keys()].every((from) => from.toLowerCase() !== from)).toBe(true)
  })
})
