// Revisions of items (each item's values after every change, what changed, and the activity
// entry of the change when @backlex/activity is installed): /api/revisions and revert.
export { type RevisionsErrorCode, RevisionsErrors } from './errors.js'
export type { ItemActivityEntry, ItemsActivityLog, RevisionActivity } from './log.js'
export { REVISIONS_TABLE, revisionsMigrations } from './migrations.js'
export type { Revision } from './read.js'
export { revisionRoutes } from './routes.js'
