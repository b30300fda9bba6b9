// Every way revisions can fail, in one place. Codes are stable; messages may change. (The
// activity log's own codes are @backlex/activity's.)
import { BacklexError } from '@backlex/kernel'

export const RevisionsErrors = {
  /** No such revision, or the caller may not read its item. */
  REVISION_NOT_FOUND: (id: string) =>
    new BacklexError('REVISION_NOT_FOUND', 404, `No revision "${id}".`, { id }),
} as const

/** Every code revisions can answer with. */
export type RevisionsErrorCode = ReturnType<
  (typeof RevisionsErrors)[keyof typeof RevisionsErrors]
>['code']
