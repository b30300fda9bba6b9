// Primary keys as they arrive in paths and bodies, checked against the key column's type.
import { ItemsErrors } from '../errors.js'
import type { CollectionModel } from './model.js'

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i
const INTEGER = /^-?\d{1,16}$/

/**
 * A key from a URL segment or a JSON body as the value to bind; 400 INVALID_ID when it cannot be
 * a key of the collection.
 * @example
 * parseKey(articles, '42') // 42 (integer keys)
 */
export function parseKey(model: CollectionModel, raw: unknown): string | number {
  switch (model.primaryKey.type) {
    case 'integer': {
      const n =
        typeof raw === 'number'
          ? raw
          : typeof raw === 'string' && INTEGER.test(raw)
            ? Number(raw)
            : Number.NaN
      if (!Number.isSafeInteger(n)) throw ItemsErrors.INVALID_ID(model.slug, raw, 'an integer')
      return n
    }
    case 'uuid':
      if (typeof raw !== 'string' || !UUID.test(raw))
        throw ItemsErrors.INVALID_ID(model.slug, raw, 'a UUID')
      return raw.toLowerCase()
    default:
      if (
        (typeof raw !== 'string' && typeof raw !== 'number') ||
        String(raw).length === 0 ||
        String(raw).length > 255
      ) {
        throw ItemsErrors.INVALID_ID(model.slug, raw, 'a string of 1 to 255 characters')
      }
      return String(raw)
  }
}

/** Several keys, without duplicates, in their first order. */
export function parseKeys(model: CollectionModel, raw: readonly unknown[]): (string | number)[] {
  const seen = new Set<string>()
  const out: (string | number)[] = []
  for (const item of raw) {
    const key = parseKey(model, item)
    if (seen.has(String(key))) continue
    seen.add(String(key))
    out.push(key)
  }
  return out
}
