// Every way adopting an existing table can fail, in one place. Codes are stable; messages may
// change.
import { BacklexError } from '@backlex/kernel'

export const AdoptErrors = {
  /** The table does not exist (or is a system / managed table). */
  TABLE_NOT_FOUND: (table: string) =>
    new BacklexError('TABLE_NOT_FOUND', 404, `No table "${table}" can be adopted.`, { table }),
  /** The table is already wrapped by a collection. */
  TABLE_ALREADY_ADOPTED: (table: string, slug: string) =>
    new BacklexError(
      'TABLE_ALREADY_ADOPTED',
      409,
      `Table "${table}" is already adopted as collection "${slug}".`,
      { table, slug },
    ),
  /** The table has no single-column primary key backlex can address rows by. */
  UNSUPPORTED_PRIMARY_KEY: (table: string, reason: string) =>
    new BacklexError(
      'UNSUPPORTED_PRIMARY_KEY',
      400,
      `Table "${table}" cannot be adopted: ${reason}`,
      { table, reason },
    ),
} as const

/** Every code adopting a table can answer with. */
export type AdoptErrorCode = ReturnType<(typeof AdoptErrors)[keyof typeof AdoptErrors]>['code']
