// Many-to-one values a caller writes must name rows it may read: a row it may not read answers
// exactly like a missing one (400 INVALID_REFERENCE), so a write is no oracle of what exists.
import { sql } from 'kysely'
import { ItemsErrors } from '../errors.js'
import type { CollectionModel } from '../model/model.js'
import { allOf, type Db } from '../read/select.js'
import type { ItemsScope } from '../scope.js'
import type { Values } from './input.js'

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value)

/**
 * Loads the caller's read access to every collection `slug` refers to, before the write's
 * transaction opens: the check inside it then reads them from the scope's memo (on SQLite a
 * rules lookup inside the transaction would wait on the transaction itself).
 * @example
 * await loadReferenceTargets(scope, 'comments')
 */
export async function loadReferenceTargets(scope: ItemsScope, slug: string): Promise<void> {
  const model = scope.schema.collection(slug)
  if (!model) return
  for (const relation of model.relations.values()) {
    if (relation.kind === 'm2o') await scope.load(relation.target)
  }
}

/**
 * Checks, inside the write's transaction (after `loadReferenceTargets`), that every many-to-one value the caller gave in
 * `given` (its own payloads, not presets) names a row of the target it may read;
 * INVALID_REFERENCE otherwise. `encoded`: the written column values, aligned with `given`.
 * @example
 * await checkReferences(trx, scope, model, encoded, inputs)
 */
export async function checkReferences(
  db: Db,
  scope: ItemsScope,
  model: CollectionModel,
  encoded: readonly Values[],
  given: readonly unknown[],
): Promise<void> {
  const byTarget = new Map<string, Map<string, unknown>>()
  encoded.forEach((values, i) => {
    const input = given[i]
    if (!isRecord(input)) return
    for (const field of Object.keys(input)) {
      const m2o = model.columns.get(field)?.m2o
      const value = values[field]
      if (!m2o || value === null || value === undefined) continue
      const keys = byTarget.get(m2o.target) ?? new Map<string, unknown>()
      byTarget.set(m2o.target, keys)
      keys.set(String(value), value)
    }
  })
  for (const [slug, keys] of byTarget) {
    const target = scope.schema.collection(slug)
    if (!target) continue
    const access = await scope.load(slug)
    if (!access) throw ItemsErrors.INVALID_REFERENCE(model.slug)
    // Every row readable: the foreign key alone decides, as for a missing row.
    if (!access.rows) continue
    const table = target.table
    const key = sql.id(table, target.primaryKey.name)
    const where = [
      sql`${key} in (${sql.join([...keys.values()].map((k) => sql`${k}`))})`,
      access.rows.toSql(access.variables, { table }),
    ]
    const found = await sql<{
      n: unknown
    }>`select count(*) as n from ${sql.table(table)} where ${allOf(where)}`.execute(db)
    if (Number(found.rows[0]?.n ?? 0) < keys.size) throw ItemsErrors.INVALID_REFERENCE(model.slug)
  }
}
