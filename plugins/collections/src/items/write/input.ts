// Checks write payloads against the collection and the caller's write access: unknown fields
// (400), fields it may not write (403), values that do not fit their type (400, every issue
// listed with its path). Presets of the caller's permission fill in defaults.

import { resolvePresets } from '@backlex/permissions'
import { ValueTypeError } from '../../schema/column-types.js'
import type { CollectionAccess, Visibility } from '../access.js'
import { ItemsErrors } from '../errors.js'
import type { CollectionModel, ColumnModel } from '../model/model.js'

export interface Issue {
  path: string
  message: string
}

/** API values by field. */
export type Values = Record<string, unknown>

const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value)

function keyWritableOnCreate(access: CollectionAccess): boolean {
  const { model, rules } = access
  return (
    model.primaryKey.required ||
    rules.fields === '*' ||
    rules.fields.includes(model.primaryKey.name)
  )
}

/**
 * Checks the fields of one payload (not their values): returns the column of each field and
 * where each field may be written. `at` prefixes paths (`0` for the first item of a batch).
 */
function checkFields(
  access: CollectionAccess,
  input: unknown,
  mode: 'create' | 'update',
  at: string,
): Map<string, { column: ColumnModel; visibility: Visibility }> {
  const model = access.model
  const prefix = at === '' ? '' : `${at}.`
  if (!isPlainObject(input)) {
    throw ItemsErrors.INVALID_ITEM(model.slug, [
      { path: at, message: 'expected an object of field values' },
    ])
  }
  const out = new Map<string, { column: ColumnModel; visibility: Visibility }>()
  for (const field of Object.keys(input)) {
    const path = `${prefix}${field}`
    const column = model.columns.get(field)
    if (!column) {
      if (model.relations.has(field)) {
        throw ItemsErrors.INVALID_ITEM(model.slug, [
          {
            path,
            message: `"${field}" lists related items; write them through /api/items/${model.relations.get(field)?.target ?? ''} instead`,
          },
        ])
      }
      throw ItemsErrors.UNKNOWN_FIELD(model.slug, field, path)
    }
    if (column.primary) {
      if (mode === 'update') {
        throw ItemsErrors.INVALID_ITEM(model.slug, [
          { path, message: 'the primary key cannot be changed' },
        ])
      }
      if (!keyWritableOnCreate(access)) {
        throw ItemsErrors.FIELD_FORBIDDEN(model.slug, field, path, 'write')
      }
      out.set(field, { column, visibility: { kind: 'all' } })
      continue
    }
    out.set(field, { column, visibility: access.require(field, path) })
  }
  return out
}

function encodeInto(
  model: CollectionModel,
  column: ColumnModel,
  value: unknown,
  path: string,
  issues: Issue[],
): unknown {
  if (value === null || value === undefined) {
    if (column.required || column.primary) issues.push({ path, message: 'is required' })
    return null
  }
  try {
    return model.encode(column, value)
  } catch (error) {
    if (error instanceof ValueTypeError) {
      issues.push({ path, message: error.reason })
      return undefined
    }
    throw error
  }
}

/** Encodes API values into column parameters; collects issues instead of stopping at the first. */
export function encodeValues(
  model: CollectionModel,
  values: Values,
  at: string,
  issues: Issue[],
): Values {
  const out: Values = {}
  const prefix = at === '' ? '' : `${at}.`
  for (const [field, value] of Object.entries(values)) {
    const column = model.columns.get(field)
    if (!column) {
      issues.push({ path: `${prefix}${field}`, message: 'unknown field' })
      continue
    }
    out[field] = encodeInto(model, column, value, `${prefix}${field}`, issues)
  }
  return out
}

/** The caller's presets, with variables resolved, as API values. */
export function presetsOf(access: CollectionAccess): Values {
  const presets = access.rules.presets
  if (Object.keys(presets).length === 0) return {}
  return resolvePresets(presets, access.variables)
}

/**
 * New items: fields checked, presets applied under the given values, required fields present.
 * Returns API values (hooks see these) and throws INVALID_ITEM listing every issue.
 */
export function checkNewItems(
  access: CollectionAccess,
  inputs: readonly unknown[],
  batch: boolean,
): Values[] {
  const model = access.model
  const presets = presetsOf(access)
  const issues: Issue[] = []
  const items = inputs.map((input, i) => {
    const at = batch ? String(i) : ''
    checkFields(access, input, 'create', at)
    const values: Values = { ...presets, ...(input as Values) }
    encodeValues(model, values, at, issues)
    for (const column of model.columns.values()) {
      if (column.required && (values[column.name] === undefined || values[column.name] === null)) {
        if (!issues.some((x) => x.path === (at === '' ? column.name : `${at}.${column.name}`)))
          issues.push({
            path: at === '' ? column.name : `${at}.${column.name}`,
            message: 'is required',
          })
      }
    }
    return values
  })
  if (issues.length > 0) throw ItemsErrors.INVALID_ITEM(model.slug, issues)
  return items
}

/**
 * Changes to existing items: fields checked, presets applied under them. Returns the API values
 * and, per field the caller may only write on some rows, the filter those rows must match.
 */
export function checkChanges(
  access: CollectionAccess,
  input: unknown,
  at: string,
): { values: Values; restrictions: Visibility[] } {
  const model = access.model
  const fields = checkFields(access, input, 'update', at)
  const values: Values = { ...presetsOf(access), ...(input as Values) }
  if (Object.keys(values).length === 0) {
    throw ItemsErrors.INVALID_ITEM(model.slug, [{ path: at, message: 'no fields to change' }])
  }
  const issues: Issue[] = []
  encodeValues(model, values, at, issues)
  if (issues.length > 0) throw ItemsErrors.INVALID_ITEM(model.slug, issues)
  const restrictions = [...fields.values()]
    .map((f) => f.visibility)
    .filter((v) => v.kind === 'where')
  return { values, restrictions }
}
