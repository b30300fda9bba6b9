// Runs read plans: one query for the rows, then one query per relation of the plan (whatever
// the number of rows), each limited to related rows the caller may read.
import type { SqlDialect } from '@backlex/kernel'
import { prepareFilter } from '@backlex/permissions'
import { type Expression, type Kysely, sql } from 'kysely'
import type { ColumnModel } from '../model/model.js'
import { decodeFunction, functionValue } from './functions.js'
import type { ReadPlan, RelationPlan } from './plan.js'
import { keyOrder, type SortPlan, sortItems, sortJoins, visibleColumn } from './sort.js'
import { isFixed } from './template.js'

// biome-ignore lint/suspicious/noExplicitAny: collection tables are created at runtime
export type Db = Kysely<any>

export interface ReadContext {
  db: Db
  dialect: SqlDialect
}

type RawRow = Record<string, unknown>
export type Item = Record<string, unknown>

/** Parameters per `IN (...)` list: well under SQLite's and PostgreSQL's limits. */
const CHUNK = 500

export const TRUE: Expression<unknown> = sql`1 = 1`

/** `a and b and c`, or `1 = 1` for none. */
export function allOf(parts: readonly Expression<unknown>[]): Expression<unknown> {
  if (parts.length === 0) return TRUE
  return sql.join(
    parts.map((p) => sql`(${p})`),
    sql` and `,
  )
}

const fkAlias = (i: number) => `bx_fk_${i}`
const flagAlias = (i: number) => `bx_v_${i}`

const quote = (name: string) => `"${name.replaceAll('"', '""')}"`
const plainLists = new Map<string, Expression<unknown>>()

/**
 * `"t"."a" as "a", "t"."b" as "b"` as one raw fragment, remembered per table and columns: the
 * common case (every column visible on every row) then costs no identifier nodes to compile.
 */
function plainColumns(table: string, names: readonly string[]): Expression<unknown> {
  const key = `${table}\u0000${names.join('\u0000')}`
  let found = plainLists.get(key)
  if (!found) {
    found = sql.raw(names.map((n) => `${quote(table)}.${quote(n)} as ${quote(n)}`).join(', '))
    // Bounded: a schema change or unusual field lists must not grow it forever.
    if (plainLists.size > 1000) plainLists.clear()
    plainLists.set(key, found)
  }
  return found
}

/** The select list of a plan on `table`: its columns (hidden values NULL) and what relations need. */
export function selections(plan: ReadPlan, table: string): Expression<unknown>[] {
  const { access } = plan
  const vars = access.variables
  const plain = plan.columns.every((c) => c.visibility.kind === 'all')
  const out: Expression<unknown>[] = plain
    ? plan.columns.length > 0
      ? [
          plainColumns(
            table,
            plan.columns.map((c) => c.name),
          ),
        ]
      : []
    : plan.columns.map(
        (c) => sql`${visibleColumn(table, c.name, c.visibility, vars)} as ${sql.id(c.name)}`,
      )
  for (const fn of plan.functions) {
    out.push(sql`${functionValue(fn, table, vars)} as ${sql.id(fn.key)}`)
  }
  const key = access.model.primaryKey.name
  if (!plan.returnsKey) out.push(sql`${sql.id(table, key)} as ${sql.id(key)}`)
  plan.relations.forEach((r, i) => {
    if (r.relation.kind === 'm2o') {
      out.push(sql`${visibleColumn(table, r.field, r.visibility, vars)} as ${sql.id(fkAlias(i))}`)
    } else if (r.visibility.kind === 'where') {
      const visible = r.visibility.filter.toSql(vars, { table })
      out.push(sql`case when ${visible} then 1 else 0 end as ${sql.id(flagAlias(i))}`)
    }
  })
  return out
}

/**
 * What the select list of `plan` depends on besides the caller's rules and the model, for
 * `bound` templates; undefined when a visibility reads variables (then it is built each time).
 */
export function planShape(plan: ReadPlan): string | undefined {
  const visibilities = [
    ...plan.columns.map((c) => c.visibility),
    ...plan.relations.map((r) => r.visibility),
    ...plan.functions.map((f) => f.visibility),
  ]
  // A count reads another collection's rules inside this statement: never templated.
  if (plan.functions.some((f) => f.kind === 'count')) return undefined
  if (!isFixed([plan.access.rows], visibilities)) return undefined
  const relations = plan.relations.map((r) => `${r.relation.kind}:${r.field}`)
  const functions =
    plan.functions.length > 0 ? `|${plan.functions.map((f) => f.call).join(',')}` : ''
  return `${plan.columns.map((c) => c.name).join(',')}|${plan.returnsKey}|${relations.join(',')}${functions}`
}

function decodeRow(plan: ReadPlan, raw: RawRow): Item {
  const model = plan.access.model
  const out: Item = {}
  // Relations are filled in later; placing them now keeps the collection's field order.
  for (const name of plan.order) out[name] = null
  for (const c of plan.columns) {
    out[c.name] = model.decode(model.columns.get(c.name) as ColumnModel, raw[c.name])
  }
  for (const fn of plan.functions) out[fn.key] = decodeFunction(raw[fn.key])
  return out
}

const keyOf = (value: unknown) => (typeof value === 'string' ? value : String(value))

function chunks<T>(list: readonly T[]): T[][] {
  const out: T[][] = []
  for (let i = 0; i < list.length; i += CHUNK) out.push(list.slice(i, i + CHUNK))
  return out
}

/** Decodes raw rows of `plan` and loads their relations; returns the items in order. */
export async function finishRows(
  ctx: ReadContext,
  plan: ReadPlan,
  rows: readonly RawRow[],
): Promise<Item[]> {
  const items = rows.map((raw) => decodeRow(plan, raw))
  await expand(ctx, plan, rows, items)
  return items
}

async function expand(ctx: ReadContext, plan: ReadPlan, rows: readonly RawRow[], items: Item[]) {
  if (rows.length === 0) return
  for (const [i, relation] of plan.relations.entries()) {
    if (relation.relation.kind === 'm2o') await expandOne(ctx, relation, i, rows, items)
    else await expandMany(ctx, plan, relation, i, rows, items)
  }
}

function relatedWhere(
  ctx: ReadContext,
  relation: RelationPlan,
  table: string,
): Expression<unknown>[] {
  const { target, options } = relation
  const where: Expression<unknown>[] = []
  if (target.rows) where.push(target.rows.toSql(target.variables, { table }))
  if (options.filter) {
    const filter = prepareFilter(options.filter, { dialect: ctx.dialect })
    where.push(filter.toSql(target.variables, { table }))
  }
  return where
}

async function expandOne(
  ctx: ReadContext,
  relation: RelationPlan,
  index: number,
  rows: readonly RawRow[],
  items: Item[],
) {
  const keys = [
    ...new Set(rows.map((r) => r[fkAlias(index)]).filter((k) => k !== null && k !== undefined)),
  ]
  const found = new Map<string, Item>()
  const plan = relation.plan
  if (plan && keys.length > 0) {
    const model = relation.target.model
    const table = model.table
    for (const chunk of chunks(keys)) {
      const where = [
        sql`${sql.id(table, model.primaryKey.name)} in (${sql.join(chunk.map((k) => sql`${k}`))})`,
        ...relatedWhere(ctx, relation, table),
      ]
      const result =
        await sql<RawRow>`select ${sql.join(selections(plan, table))} from ${sql.table(table)} where ${allOf(where)}`.execute(
          ctx.db,
        )
      const related = await finishRows(ctx, plan, result.rows)
      result.rows.forEach((raw, i) => {
        const item = related[i] as Item
        found.set(keyOf(raw[model.primaryKey.name]), item)
      })
    }
  }
  rows.forEach((raw, i) => {
    const key = raw[fkAlias(index)]
    const item = items[i] as Item
    item[relation.field] =
      key === null || key === undefined ? null : (found.get(keyOf(key)) ?? null)
  })
}

async function expandMany(
  ctx: ReadContext,
  parentPlan: ReadPlan,
  relation: RelationPlan,
  index: number,
  rows: readonly RawRow[],
  items: Item[],
) {
  const parentKey = parentPlan.access.model.primaryKey.name
  const flag = relation.visibility.kind === 'where' ? flagAlias(index) : undefined
  const visible = (raw: RawRow) => flag === undefined || Number(raw[flag]) === 1
  const keys = [...new Set(rows.filter(visible).map((r) => r[parentKey]))]
  const groups = new Map<string, unknown[]>()
  if (keys.length > 0) {
    for (const chunk of chunks(keys)) {
      const result = await relatedRows(ctx, relation, chunk)
      const model = relation.target.model
      const values = relation.plan
        ? await finishRows(ctx, relation.plan, result)
        : result.map((raw) => model.decode(model.primaryKey, raw[model.primaryKey.name]))
      result.forEach((raw, i) => {
        const parent = keyOf(raw.bx_parent)
        let list = groups.get(parent)
        if (!list) {
          list = []
          groups.set(parent, list)
        }
        list.push(values[i])
      })
    }
  }
  rows.forEach((raw, i) => {
    const item = items[i] as Item
    item[relation.field] = visible(raw) ? (groups.get(keyOf(raw[parentKey])) ?? []) : null
  })
}

/** Related rows of a to-many relation for some parent keys, each with `bx_parent`. */
async function relatedRows(
  ctx: ReadContext,
  relation: RelationPlan,
  keys: unknown[],
): Promise<RawRow[]> {
  const { target, options } = relation
  const model = target.model
  const table = model.table
  const list = sql.join(keys.map((k) => sql`${k}`))
  let from: Expression<unknown>
  let parent: Expression<unknown>
  if (relation.relation.kind === 'm2m') {
    const { junction, sourceColumn, targetColumn } = relation.relation
    parent = sql.id(junction, sourceColumn)
    from = sql`${sql.table(junction)} join ${sql.table(table)} on ${sql.id(table, model.primaryKey.name)} = ${sql.id(junction, targetColumn)}`
  } else {
    parent = sql.id(table, relation.relation.kind === 'o2m' ? relation.relation.foreignKey : '')
    from = sql.table(table)
  }
  const columns = relation.plan
    ? selections(relation.plan, table)
    : [sql`${sql.id(table, model.primaryKey.name)} as ${sql.id(model.primaryKey.name)}`]
  const sort: SortPlan = options.sort ?? { keys: [], joins: [] }
  const order = [
    ...sortItems(sort, table, ctx.dialect, target.variables),
    keyOrder(sort, table, model.primaryKey.name),
  ]
  const where = allOf([sql`${parent} in (${list})`, ...relatedWhere(ctx, relation, table)])
  const joins = sortJoins(sort, table)
  if (options.limit === null && options.offset === 0) {
    const result =
      await sql<RawRow>`select ${sql.join(columns)}, ${parent} as bx_parent from ${from} ${joins} where ${where} order by ${sql.join(order)}`.execute(
        ctx.db,
      )
    return result.rows
  }
  // A limit per parent: number the related rows of each parent and keep a window of them.
  const low = options.offset
  const high = options.limit === null ? null : options.offset + options.limit
  const window = sql`row_number() over (partition by ${parent} order by ${sql.join(order)})`
  const result =
    await sql<RawRow>`select * from (select ${sql.join(columns)}, ${parent} as bx_parent, ${window} as bx_rn from ${from} ${joins} where ${where}) as bx_w where bx_rn > ${low}${high === null ? sql`` : sql` and bx_rn <= ${high}`} order by bx_parent, bx_rn`.execute(
      ctx.db,
    )
  return result.rows
}
