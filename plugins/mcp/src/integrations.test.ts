import { ActivityLog as ActivityLogToken } from '@backlex/activity/contract'
import { Collections as CollectionsToken } from '@backlex/collections/contract'
import { describe, expect, it } from 'vitest'
import { ActivityLog, Collections } from './integrations.js'

describe('optional integrations', () => {
  it('refer to the tokens @backlex/collections and @backlex/activity publish', () => {
    expect(Collections.id).toBe(CollectionsToken.id)
    expect(ActivityLog.id).toBe(ActivityLogToken.id)
  })
})
