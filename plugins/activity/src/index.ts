// @backlex/activity: the activity log every plugin writes to (the ActivityLog service) and
// GET /api/activity reads. Token and types alone: ./contract (`@backlex/activity/contract`).
export {
  ACTIVITY_ACTION,
  type Activity,
  type ActivityDb,
  type ActivityEntry,
  ActivityLog,
  type ActivityLogService,
  type ActivityQuery,
  type ActivityReader,
  type ActivityRecordOptions,
} from './contract.js'
export { type ActivityErrorCode, ActivityErrors } from './errors.js'
export { ACTIVITY_TABLE, activityMigrations } from './migrations.js'
export { activity } from './plugin.js'
export { activityRoutes, activitySchema } from './routes.js'
export { createActivityLog } from './service.js'
