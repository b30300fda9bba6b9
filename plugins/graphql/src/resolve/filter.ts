// A GraphQL filter input -> the items filter DSL. The input types mirror the DSL one to one
// (the items engine itself routes many-to-many filters through their junction table), so this
// only drops the keys GraphQL left unset.
import type { SchemaView } from '../schema/view.js'

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value)

/**
 * Translates `input` (already coerced by GraphQL) for collection `slug`.
 * @example
 * toItemsFilter(view, 'articles', { tags: { _some: { name: { _eq: 'tech' } } }, views: undefined })
 * // { tags: { _some: { name: { _eq: 'tech' } } } }
 */
export function toItemsFilter(
  view: SchemaView,
  slug: string,
  input: Record<string, unknown>,
): Record<string, unknown> {
  const def = view.collections.get(slug)?.definition
  const out: Record<string, unknown> = {}
  for (const [key, value] of Object.entries(input)) {
    if (value === undefined) continue
    if ((key === '_and' || key === '_or') && Array.isArray(value)) {
      out[key] = value.map((child) => (isRecord(child) ? toItemsFilter(view, slug, child) : child))
      continue
    }
    const relation = def?.relations.find((r) => r.field === key)
    if (!relation || !isRecord(value)) {
      out[key] = value
      continue
    }
    if (relation.type === 'm2o') {
      out[key] = toItemsFilter(view, relation.collection, value)
      continue
    }
    const quantified: Record<string, unknown> = {}
    for (const [quantifier, inner] of Object.entries(value)) {
      if (isRecord(inner)) quantified[quantifier] = toItemsFilter(view, relation.collection, inner)
    }
    out[key] = quantified
  }
  return out
}
