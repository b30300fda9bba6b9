// Read queries compiled once and bound many times. Building a query from `sql` fragments and
// compiling it costs more than SQLite takes to run a one-item read, yet for a given caller's
// rules, collection model and query shape the SQL text never changes: only the keys, the limit
// and the offset do. So the first such request compiles the query with a placeholder object in
// each of those places, and later ones copy its parameters with their values in them.
//
// What makes this safe is the cache key. Templates hang off the caller's `AccessRules` object
// and the `CollectionModel` object: the permissions plugin makes new rules objects whenever a
// rule (or a role's rules) changes, and the collections plugin makes new models whenever the
// schema changes, so a template can never outlive what it was built from. Everything else that
// shapes the SQL is in the string key the caller gives (columns, relations, sort keys, number
// of keys). Filters that read variables (`$CURRENT_USER`, `$NOW`) give the SQL values that
// belong to one caller at one instant: a query using one is never templated (`isFixed`).
import type { AccessRules, PreparedFilter } from '@backlex/permissions'
import type { CompiledQuery, RawBuilder, RootOperationNode } from 'kysely'
import type { Visibility } from '../access.js'
import type { CollectionModel } from '../model/model.js'
import type { Db } from './select.js'

/** Where a value is bound: compiled once, replaced by the request's value at each use. */
class Slot {
  constructor(readonly index: number) {}
}

interface Template {
  readonly sql: string
  readonly query: RootOperationNode
  readonly parameters: readonly unknown[]
  /** [parameter position, slot index] for each placeholder. */
  readonly slots: readonly (readonly [number, number])[]
}

/** Templates per rules, per model; a bounded number of query shapes each (null: not templatable). */
const templates = new WeakMap<AccessRules, WeakMap<CollectionModel, Map<string, Template | null>>>()
const MAX_SHAPES = 64

const slotsOf = (count: number) => Array.from({ length: count }, (_, i) => new Slot(i))

function compile(
  db: Db,
  count: number,
  build: (values: readonly unknown[]) => RawBuilder<unknown>,
): Template | undefined {
  const compiled = build(slotsOf(count)).compile(db)
  const slots: [number, number][] = []
  compiled.parameters.forEach((p, position) => {
    if (p instanceof Slot) slots.push([position, p.index])
  })
  // Every placeholder bound exactly once, or no template (then the query is built every time).
  const seen = new Set(slots.map(([, index]) => index))
  if (slots.length !== count || seen.size !== count) return undefined
  return {
    sql: compiled.sql,
    query: compiled.query,
    parameters: compiled.parameters,
    slots,
  }
}

/**
 * The query `build(values)` would compile to, from a template when one exists for
 * (`rules`, `model`, `shape`). `build` must produce the same SQL for every call with the same
 * key, whatever the values: the caller puts everything else that shapes it into `shape`.
 * @example
 * const query = bound(db, access.rules, model, `one:${columns}`, [key], ([k]) => sql`... = ${k}`)
 * const result = await db.executeQuery(query)
 */
export function bound<Row>(
  db: Db,
  rules: AccessRules,
  model: CollectionModel,
  shape: string,
  values: readonly unknown[],
  build: (values: readonly unknown[]) => RawBuilder<unknown>,
): CompiledQuery<Row> {
  let byModel = templates.get(rules)
  if (!byModel) {
    byModel = new WeakMap()
    templates.set(rules, byModel)
  }
  let shapes = byModel.get(model)
  if (!shapes) {
    shapes = new Map()
    byModel.set(model, shapes)
  }
  let template = shapes.get(shape)
  if (template === undefined) {
    template = compile(db, values.length, build) ?? null
    if (shapes.size >= MAX_SHAPES) shapes.clear()
    shapes.set(shape, template)
  }
  if (template === null) return build(values).compile(db) as CompiledQuery<Row>
  const parameters = template.parameters.slice()
  for (const [position, index] of template.slots) parameters[position] = values[index]
  return {
    sql: template.sql,
    query: template.query,
    parameters,
    // A new id per execution, as Kysely plugins that keep per-query state expect.
    queryId: { queryId: '' },
  }
}

const fixedFilter = (filter: PreparedFilter | null) =>
  filter === null || filter.variables.size === 0

/** Whether none of these filters or visibilities reads a variable (then a query may be templated). */
export function isFixed(
  filters: readonly (PreparedFilter | null)[],
  visibilities: readonly Visibility[],
): boolean {
  return (
    filters.every(fixedFilter) &&
    visibilities.every((v) => v.kind !== 'where' || fixedFilter(v.filter))
  )
}
