import { activitySchema } from '@backlex/activity'
import {
  type ActivityLogService,
  ActivityLog as ActivityLogToken,
} from '@backlex/activity/contract'
import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import { ActivityLog } from './integrations.js'
import { type ItemsActivityLog, revisionActivity } from './revisions/log.js'

describe('optional integrations', () => {
  it('refer to the token @backlex/activity publishes', () => {
    expect(ActivityLog.id).toBe(ActivityLogToken.id)
  })

  it('use the activity log through a port its service satisfies (checked by tsc)', () => {
    const fits = (log: ActivityLogService): ItemsActivityLog => log
    expect(typeof fits).toBe('function')
  })

  it("describe a revision's activity entry as GET /api/activity answers one", () => {
    // Declared twice so collections imports nothing of the optional package: kept equal here.
    expect(z.toJSONSchema(revisionActivity)).toEqual(z.toJSONSchema(activitySchema))
  })
})
