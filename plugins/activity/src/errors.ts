// Every way the activity log can fail, in one place. Codes are stable; messages may change.
import { BacklexError, KernelErrors } from '@backlex/kernel'

export const ActivityErrors = {
  /** A plugin handed the ActivityLog service an entry it cannot store; `reason` says why. */
  INVALID_ACTIVITY: (reason: string) =>
    new BacklexError('INVALID_ACTIVITY', 400, `Invalid activity entry: ${reason}`, { reason }),
  /** GET /api/activity without a principal. */
  UNAUTHORIZED: () => KernelErrors.UNAUTHORIZED(),
} as const

/** Every code the activity log can answer with. */
export type ActivityErrorCode = ReturnType<
  (typeof ActivityErrors)[keyof typeof ActivityErrors]
>['code']
