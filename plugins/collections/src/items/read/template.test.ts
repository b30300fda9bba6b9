import type { AccessRules } from '@backlex/permissions'
import {
  DummyDriver,
  Kysely,
  type KyselyPlugin,
  SqliteAdapter,
  SqliteIntrospector,
  SqliteQueryCompiler,
  sql,
} from 'kysely'
import { describe, expect, it } from 'vitest'
import type { CollectionModel } from '../model/model.js'
import { bound } from './template.js'

function compiler() {
  let compiles = 0
  const counting: KyselyPlugin = {
    transformQuery: (args) => {
      compiles++
      return args.node
    },
    transformResult: async (args) => args.result,
  }
  const db = new Kysely<unknown>({
    dialect: {
      createAdapter: () => new SqliteAdapter(),
      createDriver: () => new DummyDriver(),
      createIntrospector: (k) => new SqliteIntrospector(k),
      createQueryCompiler: () => new SqliteQueryCompiler(),
    },
    plugins: [counting],
  })
  return { db, compiles: () => compiles }
}

const rules = () => ({}) as AccessRules
const model = (table: string) => ({ table }) as unknown as CollectionModel
const byKey = (table: string) => (values: readonly unknown[]) =>
  sql`select * from ${sql.table(table)} where id in (${sql.join(values)}) and status = ${'published'}`

describe('bound', () => {
  it('compiles once per rules, model and shape, then binds new values', () => {
    const { db, compiles } = compiler()
    const r = rules()
    const m = model('c_main_articles')
    const first = bound(db, r, m, 'keys:2', [1, 2], byKey(m.table))
    const second = bound(db, r, m, 'keys:2', [7, 8], byKey(m.table))
    expect(first.sql).toBe('select * from "c_main_articles" where id in (?, ?) and status = ?')
    expect(first.parameters).toEqual([1, 2, 'published'])
    expect(second.sql).toBe(first.sql)
    expect(second.parameters).toEqual([7, 8, 'published'])
    expect(second.queryId).not.toBe(first.queryId)
    expect(compiles()).toBe(1)
  })

  it('keeps templates of other rules and other models apart', () => {
    const { db } = compiler()
    const r = rules()
    const main = model('c_main_articles')
    const acme = model('c_acme_articles')
    bound(db, r, main, 'keys:1', [1], byKey(main.table))
    expect(bound(db, r, acme, 'keys:1', [1], byKey(acme.table)).sql).toContain('"c_acme_articles"')
    const other = rules()
    const draft = (values: readonly unknown[]) =>
      sql`select * from ${sql.table(main.table)} where id in (${sql.join(values)}) and status = ${'draft'}`
    expect(bound(db, other, main, 'keys:1', [1], draft).parameters).toEqual([1, 'draft'])
    expect(bound(db, r, main, 'keys:1', [2], byKey(main.table)).parameters).toEqual([
      2,
      'published',
    ])
  })

  it('builds every time when a value is not bound exactly once', () => {
    const { db, compiles } = compiler()
    const r = rules()
    const m = model('t')
    const twice = ([v]: readonly unknown[]) => sql`select ${v} as a, ${v} as b`
    expect(bound(db, r, m, 'twice', [1], twice).parameters).toEqual([1, 1])
    expect(bound(db, r, m, 'twice', [2], twice).parameters).toEqual([2, 2])
    const ignored = () => sql`select 1`
    expect(bound(db, r, m, 'ignored', [5], ignored).sql).toBe('select 1')
    // The failed template attempt once per shape, then the real build of each call.
    expect(compiles()).toBe(1 + 2 + 1 + 1)
  })
})
