// Every way the schema of @backlex/collections (its collections and their changes) can fail, in
// one place. Codes are stable; messages may change. Adopting, items and the activity log list
// theirs in ../adopt/, ../items/ and ../activity/.
import { BacklexError, KernelErrors } from '@backlex/kernel'

export const CollectionsErrors = {
  /** The body of POST/PATCH /api/collections is malformed; `issues` says where. */
  INVALID_COLLECTION: (reason: string, issues?: unknown) =>
    new BacklexError('INVALID_COLLECTION', 400, `Invalid collection: ${reason}`, {
      reason,
      ...(issues === undefined ? {} : { issues }),
    }),
  /** A slug or field name is not lower snake case or is reserved. */
  INVALID_IDENTIFIER: (name: string, reason: string) =>
    new BacklexError('INVALID_IDENTIFIER', 400, `Invalid name "${name}": ${reason}`, {
      name,
      reason,
    }),
  COLLECTION_EXISTS: (slug: string) =>
    new BacklexError('COLLECTION_EXISTS', 409, `Collection "${slug}" already exists.`, { slug }),
  COLLECTION_NOT_FOUND: (slug: string) =>
    new BacklexError('COLLECTION_NOT_FOUND', 404, `No collection "${slug}".`, { slug }),
  /** Restoring a collection that is not archived. */
  COLLECTION_NOT_ARCHIVED: (slug: string) =>
    new BacklexError('COLLECTION_NOT_ARCHIVED', 409, `Collection "${slug}" is not archived.`, {
      slug,
    }),
  /** The collection is archived: restore it before changing it. */
  COLLECTION_ARCHIVED: (slug: string) =>
    new BacklexError(
      'COLLECTION_ARCHIVED',
      409,
      `Collection "${slug}" is archived; restore it first (POST /api/collections/${slug}/restore).`,
      { slug },
    ),
  FIELD_EXISTS: (slug: string, field: string) =>
    new BacklexError('FIELD_EXISTS', 409, `Collection "${slug}" already has a field "${field}".`, {
      slug,
      field,
    }),
  FIELD_NOT_FOUND: (slug: string, field: string) =>
    new BacklexError('FIELD_NOT_FOUND', 404, `Collection "${slug}" has no field "${field}".`, {
      slug,
      field,
    }),
  /** A field is listed twice, or a field and a relation share a name. */
  DUPLICATE_FIELD: (field: string) =>
    new BacklexError('DUPLICATE_FIELD', 400, `Field "${field}" is defined twice.`, { field }),
  /** The field's options do not fit its type (choices on a non-enum, default of the wrong type, ...). */
  INVALID_FIELD: (field: string, reason: string) =>
    new BacklexError('INVALID_FIELD', 400, `Invalid field "${field}": ${reason}`, {
      field,
      reason,
    }),
  /** Adding a required field to a collection that may hold rows needs a default. */
  REQUIRED_FIELD_NEEDS_DEFAULT: (field: string) =>
    new BacklexError(
      'REQUIRED_FIELD_NEEDS_DEFAULT',
      400,
      `Field "${field}" is required: give it a "default" so existing rows get a value.`,
      { field },
    ),
  /** Dropping fields destroys data: the request must say `confirm: true`. */
  DROP_NOT_CONFIRMED: (fields: string[]) =>
    new BacklexError(
      'DROP_NOT_CONFIRMED',
      400,
      `Dropping ${fields.map((f) => `"${f}"`).join(', ')} deletes its data; send "confirm": true to proceed.`,
      { fields },
    ),
  /** The primary key cannot be dropped or changed. */
  PRIMARY_KEY_IMMUTABLE: (field: string) =>
    new BacklexError(
      'PRIMARY_KEY_IMMUTABLE',
      400,
      `The primary key "${field}" cannot be dropped.`,
      {
        field,
      },
    ),
  /** Another collection's one-to-many relation reads through this field; drop that first. */
  FIELD_IN_USE: (slug: string, field: string, by: string[]) =>
    new BacklexError(
      'FIELD_IN_USE',
      409,
      `Field "${field}" of "${slug}" is used by relations of ${by.map((s) => `"${s}"`).join(', ')}.`,
      { slug, field, by },
    ),
  /** A relation names a collection that does not exist (or cannot be the target). */
  INVALID_RELATION: (field: string, reason: string) =>
    new BacklexError('INVALID_RELATION', 400, `Invalid relation "${field}": ${reason}`, {
      field,
      reason,
    }),
  /** Schema changes to adopted collections are metadata only: no DDL is ever run on them. */
  ADOPTED_READ_ONLY_SCHEMA: (slug: string, what: string) =>
    new BacklexError(
      'ADOPTED_READ_ONLY_SCHEMA',
      400,
      `Collection "${slug}" is adopted: backlex never alters its table (${what}).`,
      { slug },
    ),
  /** Another collection still points here (m2o / m2m); delete or change that one first. */
  COLLECTION_IN_USE: (slug: string, by: string[]) =>
    new BacklexError(
      'COLLECTION_IN_USE',
      409,
      `Collection "${slug}" is the target of relations in ${by.map((s) => `"${s}"`).join(', ')}.`,
      { slug, by },
    ),
  /** A managed collection's table (or a junction table) would take a name already in use. */
  TABLE_EXISTS: (table: string) =>
    new BacklexError(
      'TABLE_EXISTS',
      409,
      `A table named "${table}" already exists; pick another slug (or junction name), or adopt the table.`,
      { table },
    ),
  /** The derived table name would be longer than PostgreSQL's 63-character limit. */
  NAME_TOO_LONG: (name: string) =>
    new BacklexError(
      'NAME_TOO_LONG',
      400,
      `The table or column name "${name}" would be longer than 63 characters; use a shorter slug or field name.`,
      { name },
    ),
  /** The database cannot make this change in place (e.g. SQLite dropping a foreign key column). */
  CHANGE_NOT_SUPPORTED: (slug: string, reason: string) =>
    new BacklexError('CHANGE_NOT_SUPPORTED', 400, `Cannot change "${slug}": ${reason}`, {
      slug,
      reason,
    }),
  /** The database refused a schema change (e.g. a unique index over duplicate values). */
  SCHEMA_CHANGE_FAILED: (slug: string, reason: string, cause?: unknown) =>
    new BacklexError(
      'SCHEMA_CHANGE_FAILED',
      409,
      `The change to "${slug}" was refused by the database and nothing was changed: ${reason}`,
      { slug, reason },
      { cause },
    ),
  UNAUTHORIZED: () => KernelErrors.UNAUTHORIZED(),
  FORBIDDEN: (message = 'Only admins can manage collections.') => KernelErrors.FORBIDDEN(message),
} as const

/** Every code the schema can answer with. */
export type CollectionsErrorCode = ReturnType<
  (typeof CollectionsErrors)[keyof typeof CollectionsErrors]
>['code']
