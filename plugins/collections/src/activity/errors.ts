// Every way the activity log and revisions can fail, in one place. Codes are stable; messages
// may change.
import { BacklexError } from '@backlex/kernel'

export const ActivityErrors = {
  /** Another plugin handed the ActivityLog service an entry it cannot store; `reason` says why. */
  INVALID_ACTIVITY: (reason: string) =>
    new BacklexError('INVALID_ACTIVITY', 400, `Invalid activity entry: ${reason}`, { reason }),
  /** No such revision, or the caller may not read its item. */
  REVISION_NOT_FOUND: (id: string) =>
    new BacklexError('REVISION_NOT_FOUND', 404, `No revision "${id}".`, { id }),
} as const

/** Every code the activity log and revisions can answer with. */
export type ActivityErrorCode = ReturnType<
  (typeof ActivityErrors)[keyof typeof ActivityErrors]
>['code']
