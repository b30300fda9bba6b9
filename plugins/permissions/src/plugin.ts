// The @backlex/permissions plugin: stores rules, provides the Permissions service, serves
// /api/permissions and registers the permissions.* tools.
import { Clock, Database, definePlugin, PubSub } from '@backlex/kernel'
import { z } from 'zod'
import pkg from '../package.json' with { type: 'json' }
import { CollectionSchemas, Permissions } from './contract.js'
import { migrations } from './migrations.js'
import { permissionRoutes } from './routes.js'
import { createPermissionsService } from './service.js'
import { permissionTools } from './tools.js'

export const permissionsOptions = z.object({
  /** Most (workspace, roles, collection, action) entries kept compiled in memory. */
  cacheSize: z.number().int().positive().default(1000),
})

export type PermissionsOptions = z.input<typeof permissionsOptions>

/**
 * Roles and permission rules: deny by default, admins bypass, the union of a caller's roles.
 * @example
 * defineConfig({ plugins: [sqlite(), auth(), permissions(), collections()] })
 */
export const permissions = definePlugin({
  name: '@backlex/permissions',
  version: pkg.version,
  kernel: '^0.1.0',
  requires: [Database, PubSub, Clock],
  provides: [Permissions],
  options: permissionsOptions,
  migrations,
  register(ctx, options) {
    ctx.provide(
      Permissions,
      (boot) => {
        const database = boot.use(Database)
        return createPermissionsService({
          db: database.db,
          dialect: database.dialect,
          pubsub: boot.use(PubSub),
          clock: boot.use(Clock),
          logger: boot.logger,
          schemaSources: () => boot.contributions(CollectionSchemas),
          cacheSize: options.cacheSize,
        })
      },
      // Listens for rule changes made on other instances while the kernel runs.
      { start: (service) => service.start(), stop: (service) => service.stop() },
    )
    for (const route of permissionRoutes) ctx.route(route)
    for (const tool of permissionTools) ctx.tool(tool)
  },
})
