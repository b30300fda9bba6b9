// Every way the items half of @backlex/collections can fail, in one place. Codes are stable;
// messages may change. Filters reuse the permissions DSL's INVALID_FILTER; an unknown collection
// is the schema's COLLECTION_NOT_FOUND (../errors.ts), revisions fail with ../revisions/errors.ts.
import { BacklexError, KernelErrors } from '@backlex/kernel'
import { PermissionsErrors } from '@backlex/permissions'

export const ItemsErrors = {
  /** The item does not exist, or the caller may not see it: both get this answer. */
  ITEM_NOT_FOUND: (collection: string, key: unknown) =>
    new BacklexError('ITEM_NOT_FOUND', 404, `No item "${String(key)}" in "${collection}".`, {
      collection,
      key: String(key),
    }),
  /** A query parameter is malformed (bad JSON, wrong type, unknown parameter); `path` says where. */
  INVALID_QUERY: (path: string, reason: string) =>
    new BacklexError('INVALID_QUERY', 400, `Invalid query at "${path}": ${reason}`, {
      path,
      reason,
    }),
  /** A field (in fields, sort, search, aggregate, groupBy, deep or a body) does not exist. */
  UNKNOWN_FIELD: (collection: string, field: string, path: string) =>
    new BacklexError(
      'UNKNOWN_FIELD',
      400,
      `Unknown field "${field}" of "${collection}" at "${path}".`,
      {
        collection,
        field,
        path,
      },
    ),
  /**
   * The caller may not read (or write) a field it named explicitly; `related` when the field is a
   * relation it may read but whose related collection it may not (`fields=author.name`).
   */
  FIELD_FORBIDDEN: (
    collection: string,
    field: string,
    path: string,
    access: 'read' | 'write',
    related?: string,
  ) =>
    new BacklexError(
      'FIELD_FORBIDDEN',
      403,
      related === undefined
        ? `You may not ${access} field "${field}" of "${collection}" (at "${path}").`
        : `You may not read items of "${related}", which field "${field}" of "${collection}" leads to (at "${path}").`,
      { collection, field, path, access, ...(related === undefined ? {} : { related }) },
    ),
  /** The caller may not perform this action on the collection at all. */
  FORBIDDEN: (collection: string, action: string) =>
    new BacklexError('FORBIDDEN', 403, `You may not ${action} items of "${collection}".`, {
      collection,
      action,
    }),
  /** A key in the path or a body is not of the primary key's type. */
  INVALID_ID: (collection: string, key: unknown, expected: string) =>
    new BacklexError(
      'INVALID_ID',
      400,
      `"${String(key)}" is not a valid key of "${collection}": expected ${expected}.`,
      { collection, key: String(key), expected },
    ),
  /** An item's values do not fit the collection's fields; `issues` lists each `{ path, message }`. */
  INVALID_ITEM: (collection: string, issues: { path: string; message: string }[]) =>
    new BacklexError(
      'INVALID_ITEM',
      400,
      `Invalid item for "${collection}": ${issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`,
      { collection, issues },
    ),
  /** New values fail the caller's permission `validation` rule. */
  ITEM_VALIDATION_FAILED: (collection: string, index: number | null) =>
    new BacklexError(
      'ITEM_VALIDATION_FAILED',
      400,
      `The values${index === null ? '' : ` of item ${index}`} do not pass your permission's validation rule on "${collection}".`,
      { collection, ...(index === null ? {} : { index }) },
    ),
  /** A unique field already holds this value (or the key exists). */
  ITEM_CONFLICT: (collection: string) =>
    new BacklexError(
      'ITEM_CONFLICT',
      409,
      `The item conflicts with an existing item of "${collection}" (a unique field or the key is taken).`,
      { collection },
    ),
  /** A many-to-one field points at an item that does not exist, or a delete is restricted. */
  INVALID_REFERENCE: (collection: string) =>
    new BacklexError(
      'INVALID_REFERENCE',
      400,
      `The change to "${collection}" breaks a relation: a referenced item does not exist, or another item still points here.`,
      { collection },
    ),
  /** More items or keys in one request than the configured maximum. */
  BATCH_TOO_LARGE: (size: number, max: number) =>
    new BacklexError(
      'BATCH_TOO_LARGE',
      400,
      `The batch holds ${size} items; at most ${max} are allowed in one request.`,
      { size, max },
    ),
  /** Re-exported from the DSL: a filter is malformed; `path` points at the offending key. */
  INVALID_FILTER: PermissionsErrors.INVALID_FILTER,
  UNAUTHORIZED: () => KernelErrors.UNAUTHORIZED(),
} as const

/** Every code the items API can answer with. */
export type ItemsErrorCode = ReturnType<(typeof ItemsErrors)[keyof typeof ItemsErrors]>['code']
