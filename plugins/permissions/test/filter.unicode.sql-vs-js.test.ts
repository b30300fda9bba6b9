// Case-insensitive operators fold Unicode, not only ASCII, with one definition (foldCase, i.e.
// toLowerCase) on SQLite (node:sqlite's lower() from @backlex/sqlite), PostgreSQL (lower() under
// ICU's root locale) and the in-process matcher: each answer is checked against the expected rows.
import { createBacklex, Database, type DatabaseAdapter, defineConfig } from '@backlex/kernel'
import { dialects, silentLogger } from '@backlex/test-utils'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { parseFilter, prepareFilter } from '../src/filter/index.js'
import { anonymousVariables, WORDS, wordSchema } from './unicode-words.js'

const schema = wordSchema
const vars = anonymousVariables

describe.each(dialects.filter((d) => d.available))(
  'Unicode case folding on $dialect',
  ({ create }) => {
    let database: DatabaseAdapter
    let cleanup: () => Promise<void> = async () => {}
    const rows = WORDS.map((name, i) => ({ id: i + 1, name }))

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
      await database.db.schema
        .createTable('words')
        .addColumn('id', 'integer', (c) => c.primaryKey())
        .addColumn('name', 'text')
        .execute()
      await database.db.insertInto('words').values(rows).execute()
    })
    afterAll(() => cleanup())

    /** The names a filter selects in SQL, after checking the matcher selects the same. */
    async function names(filter: Record<string, unknown>): Promise<string[]> {
      const prepared = prepareFilter(parseFilter(filter, schema), { dialect: database.dialect })
      const selected = await database.db
        .selectFrom('words')
        .select('id')
        .where(prepared.toSql(vars))
        .orderBy('id')
        .execute()
      const fromSql = selected.map((r) => WORDS[Number(r.id) - 1])
      const fromJs = rows.filter((row) => prepared.matches(row, vars)).map((row) => row.name)
      expect(fromJs, JSON.stringify(filter)).toEqual(fromSql)
      return fromSql as string[]
    }

    it('finds every case of non-ASCII letters', async () => {
      expect(await names({ name: { _icontains: 'ZÜRICH' } })).toEqual(['Zürich', 'ZÜRICH'])
      expect(await names({ name: { _icontains: 'café' } })).toEqual(['café', 'CAFÉ crème'])
      expect(await names({ name: { _istarts_with: 'москва' } })).toEqual(['Москва', 'МОСКВА'])
      expect(await names({ name: { _iends_with: 'Ία' } })).toEqual(['σοφία'])
      expect(await names({ name: { _iends_with: 'ΦΙΑ' } })).toEqual(['ΣΟΦΙΑ'])
      expect(await names({ name: { _istarts_with: 'Σοφ' } })).toEqual(['ΣΟΦΙΑ', 'σοφία'])
      expect(await names({ name: { _icontains: '\u01C4E' } })).toEqual(['\u01C5emal'])
    })

    it('negates them row for row', async () => {
      expect(await names({ name: { _nicontains: 'ü' } })).toEqual(
        WORDS.filter((w) => !/ü/i.test(w.toLowerCase())),
      )
      expect(await names({ name: { _nistarts_with: 'CAF' } })).toEqual(
        WORDS.filter((w) => !w.toLowerCase().startsWith('caf')),
      )
      expect(await names({ name: { _niends_with: 'ВА' } })).toEqual(
        WORDS.filter((w) => !w.toLowerCase().endsWith('ва')),
      )
    })

    it('folds as toLowerCase does: no expansions, and the case-sensitive operators stay exact', async () => {
      // ß does not fold to ss (lower-casing, not full case folding); İ lower-cases to i + U+0307.
      expect(await names({ name: { _icontains: 'strasse' } })).toEqual(['STRASSE'])
      expect(await names({ name: { _icontains: 'i̇stan' } })).toEqual(['İstanbul'])
      expect(await names({ name: { _contains: 'ZÜ' } })).toEqual(['ZÜRICH'])
      expect(await names({ name: { _ncontains: 'é' } })).toEqual(
        WORDS.filter((w) => !w.includes('é')),
      )
    })
  },
)
