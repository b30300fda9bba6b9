// node:sqlite connections lower-case Unicode text in `lower()`, as JavaScript does, so the filter
// DSL's case-insensitive operators and `search` give the same answer in SQL and in process.
import { sql } from 'kysely'
import { describe, expect, it } from 'vitest'
import { createSqliteDatabase } from './index.js'

describe('node:sqlite lower()', () => {
  it('folds every script as toLowerCase() does, and reads other values as SQLite does', async () => {
    const database = createSqliteDatabase({ filename: ':memory:' })
    try {
      const { rows } = await sql<
        Record<string, unknown>
      >`select lower('ZÜRICH') as a, lower('CAFÉ ΣΟΦΙΑ ΑΣ İ Ж') as b, lower(NULL) as c, lower(12) as d, lower('plain') as e`.execute(
        database.db,
      )
      expect(rows[0]).toEqual({
        a: 'zürich',
        b: 'CAFÉ ΣΟΦΙΑ ΑΣ İ Ж'.toLowerCase(),
        c: null,
        d: '12',
        e: 'plain',
      })
      expect(rows[0]?.b).toBe('café σοφια ας i̇ ж')
      const found = await sql<{
        n: number
      }>`select instr(lower('Grüße aus ZÜRICH'), ${'zürich'}) as n`.execute(database.db)
      expect(found.rows[0]?.n).toBe(11)
    } finally {
      await database.close()
    }
  })
})
