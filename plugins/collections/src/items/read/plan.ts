// `fields` (and `deep`) -> a read plan: which columns to return at each level, which relations to
// load and how. Wildcards only ever expand to what the caller may read; a field named explicitly
// that it may not read is a 403, a field that does not exist a 400.
import type { FilterNode } from '@backlex/permissions'
import type { CollectionAccess, Visibility } from '../access.js'
import { ItemsErrors } from '../errors.js'
import type { CollectionModel, RelationModel, WorkspaceSchema } from '../model/model.js'
import type { DeepQuery } from '../query/types.js'
import { type AccessLoader, userFilter } from './filter.js'
import { type FunctionColumn, functionColumn } from './functions.js'
import { type SortPlan, sortPlan } from './sort.js'

export interface ColumnPlan {
  readonly name: string
  readonly visibility: Visibility
}

/** Options of `deep` for one relation, checked against the related collection. */
export interface RelatedOptions {
  filter: FilterNode | null
  sort: SortPlan | null
  limit: number | null
  offset: number
}

export interface RelationPlan {
  readonly field: string
  readonly relation: RelationModel
  /** Visibility of the relation field itself in the parent collection. */
  readonly visibility: Visibility
  readonly target: CollectionAccess
  /** Nested plan of the related rows; undefined: return their keys only. */
  readonly plan: ReadPlan | undefined
  readonly options: RelatedOptions
}

export interface ReadPlan {
  readonly access: CollectionAccess
  /** Columns to return, in order (m2o keys that are expanded are not listed here). */
  readonly columns: readonly ColumnPlan[]
  readonly relations: readonly RelationPlan[]
  /** Function fields (`year(published_at)`, `count(comments)`), answered after the fields. */
  readonly functions: readonly FunctionColumn[]
  /** Whether the primary key is returned (it is always read, to attach relations). */
  readonly returnsKey: boolean
  /** Names of the returned fields, in the collection's field order. */
  readonly order: readonly string[]
}

/** A parsed `fields` list: each key is a field or `*`; an empty node ends a path. */
type FieldTree = Map<string, FieldTree>

export interface PlanContext {
  schema: WorkspaceSchema
  load: AccessLoader
  maxDepth: number
}

/** `['*', 'author.name']` -> `{ '*': {}, author: { name: {} } }`. */
export function fieldTree(paths: readonly string[]): FieldTree {
  const root: FieldTree = new Map()
  for (const path of paths) {
    let node = root
    for (const segment of path.split('.')) {
      if (segment === '')
        throw ItemsErrors.INVALID_QUERY('fields', `"${path}" has an empty segment`)
      let next = node.get(segment)
      if (!next) {
        next = new Map()
        node.set(segment, next)
      }
      node = next
    }
  }
  return root
}

function merge(into: FieldTree, from: FieldTree): void {
  for (const [key, sub] of from) {
    const existing = into.get(key)
    if (existing) merge(existing, sub)
    else into.set(key, new Map(sub))
  }
}

interface Wanted {
  tree: FieldTree | undefined
  explicit: boolean
  path: string
}

/**
 * Resolves a field tree on a collection into a read plan, loading the caller's access to every
 * related collection it reaches.
 * @example
 * const plan = await readPlan(fieldTree(['*', 'author.name']), access, {}, ctx, 'fields', 0)
 */
export async function readPlan(
  tree: FieldTree,
  access: CollectionAccess,
  deep: Record<string, DeepQuery>,
  ctx: PlanContext,
  path: string,
  depth: number,
): Promise<ReadPlan> {
  const model = access.model
  const columns = new Map<string, Visibility>()
  const functions = new Map<string, FunctionColumn>()
  const wanted = new Map<string, Wanted>()
  const want = (field: string, sub: FieldTree | undefined, explicit: boolean, at: string) => {
    const current = wanted.get(field)
    if (!current) {
      wanted.set(field, { tree: sub ? new Map(sub) : undefined, explicit, path: at })
      return
    }
    current.explicit ||= explicit
    if (sub) {
      if (current.tree) merge(current.tree, sub)
      else current.tree = new Map(sub)
    }
  }
  for (const [key, sub] of tree) {
    const at = path === '' ? key : `${path}.${key}`
    if (key === '*') {
      for (const column of model.columns.values()) {
        const visibility = access.visibility(column.name)
        if (visibility.kind !== 'none' && !columns.has(column.name))
          columns.set(column.name, visibility)
      }
      for (const alias of model.aliases) {
        if (access.visibility(alias).kind !== 'none')
          want(alias, sub.size > 0 ? sub : undefined, false, at)
      }
      if (sub.size > 0) {
        for (const relation of model.relations.values()) {
          if (relation.kind === 'm2o' && access.visibility(relation.field).kind !== 'none')
            want(relation.field, sub, false, at)
        }
      }
      continue
    }
    const fn = await functionColumn(key, access, ctx, at)
    if (fn) {
      if (sub.size > 0)
        throw ItemsErrors.INVALID_QUERY(at, `${key} is a value, so it has no fields`)
      if (model.columns.has(fn.key) || model.relations.has(fn.key)) {
        throw ItemsErrors.INVALID_QUERY(at, `${key} answers as "${fn.key}", which is a field`)
      }
      functions.set(fn.key, fn)
      continue
    }
    const relation = model.relations.get(key)
    const column = model.columns.get(key)
    if (!relation && !column) throw ItemsErrors.UNKNOWN_FIELD(model.slug, key, at)
    const visibility = access.require(key, at)
    if (!relation) {
      if (sub.size > 0) {
        throw ItemsErrors.INVALID_QUERY(at, `"${key}" is not a relation, so it has no fields`)
      }
      columns.set(key, visibility)
      continue
    }
    if (relation.kind === 'm2o' && sub.size === 0) columns.set(key, visibility)
    else want(key, sub.size > 0 ? sub : undefined, true, at)
  }

  const relations: RelationPlan[] = []
  for (const [field, entry] of wanted) {
    const relation = model.relations.get(field)
    if (!relation) continue
    if (depth + 1 > ctx.maxDepth) {
      throw ItemsErrors.INVALID_QUERY(
        entry.path,
        `relations nest at most ${ctx.maxDepth} levels deep`,
      )
    }
    const targetModel = ctx.schema.collection(relation.target)
    const target = targetModel ? await ctx.load(relation.target) : undefined
    if (!target) {
      if (entry.explicit) {
        throw ItemsErrors.FIELD_FORBIDDEN(model.slug, field, entry.path, 'read', relation.target)
      }
      // A wildcard quietly leaves out what the caller may not read (an m2o keeps its raw key).
      if (relation.kind === 'm2o') columns.set(field, access.visibility(field))
      continue
    }
    if (relation.kind === 'm2o') columns.delete(field)
    const options = deep[field]
    relations.push({
      field,
      relation,
      visibility: access.visibility(field),
      target,
      plan: entry.tree
        ? await readPlan(
            entry.tree,
            target,
            options?.relations ?? {},
            ctx,
            `${entry.path}`,
            depth + 1,
          )
        : undefined,
      options: await relatedOptions(options, target, ctx, `deep.${field}`),
    })
  }
  for (const name of Object.keys(deep)) {
    if (!model.relations.has(name)) {
      throw model.columns.has(name)
        ? ItemsErrors.INVALID_QUERY(`deep.${name}`, `"${name}" is not a relation`)
        : ItemsErrors.UNKNOWN_FIELD(model.slug, name, `deep.${name}`)
    }
  }
  const list = [...columns].map(([name, visibility]) => ({ name, visibility }))
  const returned = new Set([...columns.keys(), ...relations.map((r) => r.field)])
  const order = [...model.columns.keys(), ...model.aliases].filter((name) => returned.has(name))
  return {
    access,
    columns: list,
    relations,
    functions: [...functions.values()],
    returnsKey: columns.has(model.primaryKey.name),
    order,
  }
}

async function relatedOptions(
  options: DeepQuery | undefined,
  target: CollectionAccess,
  ctx: PlanContext,
  path: string,
): Promise<RelatedOptions> {
  if (!options) return { filter: null, sort: null, limit: null, offset: 0 }
  return {
    filter: options.filter
      ? await userFilter(options.filter, `${path}._filter`, target, ctx.schema, ctx.load)
      : null,
    sort: options.sort ? await sortPlan(options.sort, target, ctx, `${path}._sort`) : null,
    limit: options.limit === undefined || options.limit === -1 ? null : options.limit,
    offset: options.offset ?? 0,
  }
}

/** The model a plan reads. */
export const planModel = (plan: ReadPlan): CollectionModel => plan.access.model
