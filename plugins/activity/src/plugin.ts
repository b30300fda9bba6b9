// The activity() plugin: the ActivityLog service, its table and GET /api/activity.
import { Clock, Database, definePlugin } from '@backlex/kernel'
import pkg from '../package.json' with { type: 'json' }
import { ActivityLog } from './contract.js'
import { activityMigrations } from './migrations.js'
import { activityRoutes } from './routes.js'
import { createActivityLog } from './service.js'

/**
 * The activity log: who did what, when and from where. `@backlex/collections` records item
 * writes in it (in the write's transaction), `@backlex/mcp` every tool call, and any plugin its
 * own actions through the `ActivityLog` service; GET /api/activity reads it.
 * @example
 * import { activity } from '@backlex/activity'
 * defineConfig({ plugins: [sqlite(), auth(), permissions(), activity(), collections()] })
 */
export const activity = definePlugin({
  name: '@backlex/activity',
  version: pkg.version,
  kernel: '^0.1.0',
  requires: [Database, Clock],
  provides: [ActivityLog],
  migrations: activityMigrations,
  register(ctx) {
    ctx.provide(ActivityLog, (boot) => {
      const database = boot.use(Database)
      return createActivityLog(database.db, database.dialect, boot.use(Clock))
    })
    for (const route of activityRoutes) ctx.route(route)
  },
})
