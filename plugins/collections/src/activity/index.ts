// The activity log and revisions of @backlex/collections: the ActivityLog service other plugins
// write to, the revisions and activity the items API records, and /api/revisions + /api/activity.
export { type ActivityErrorCode, ActivityErrors } from './errors.js'
export { ACTIVITY_TABLE, activityMigrations, REVISIONS_TABLE } from './migrations.js'
export type { Activity, ActivityQuery, Revision } from './read.js'
export { activityRoutes } from './routes.js'
export { ACTIVITY_ACTION, createActivityLog } from './service.js'
