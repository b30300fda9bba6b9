// The @backlex/collections plugin: the schema half (collections, adopt, DDL, broadcast) and the
// items half (registered by ./items/index.js) in one plugin.
import {
  Clock,
  Database,
  definePlugin,
  OpenApiContributions,
  PubSub,
  type SqlDialect,
} from '@backlex/kernel'
import { CollectionSchemas, Permissions, type PermissionsService } from '@backlex/permissions'
import { z } from 'zod'
import pkg from '../package.json' with { type: 'json' }
import { adoptRoutes } from './adopt/routes.js'
import { ActivityLog, createActivityLog } from './items/audit/activity-log.js'
import { Items, itemsMigrations, itemsOptions, registerItems } from './items/index.js'
import { schemaMigrations } from './migrations.js'
import { addCollectionsToDocument } from './openapi.js'
import { createSchemaSource } from './permissions-source.js'
import { collectionRoutes } from './routes.js'
import { type CollectionsRuntime, createCollectionsService } from './service.js'
import { Collections } from './service-types.js'
import { collectionTools } from './tools.js'

/** Options of the plugin; `items` sets the limits of the items API (see docs/querying.md). */
export const collectionsOptions = z.object({
  /** PubSub channel schema changes are broadcast on (change it to isolate deployments sharing a bus). */
  channel: z.string().min(1).default('backlex.collections.changed'),
  items: itemsOptions.default(itemsOptions.parse({})),
})

export type CollectionsOptions = z.input<typeof collectionsOptions>

/**
 * Dynamic collections: managed tables created at runtime, adopted existing tables, items API.
 * @example
 * defineConfig({ plugins: [sqlite(), auth(), permissions(), collections()] })
 */
export const collections = definePlugin({
  name: '@backlex/collections',
  version: pkg.version,
  kernel: '^0.1.0',
  requires: [Database, Permissions],
  optional: [PubSub],
  provides: [Collections, Items, ActivityLog],
  options: collectionsOptions,
  // Items migrations are named `0100_...` and up, so they sort after the schema half's.
  migrations: { ...schemaMigrations, ...itemsMigrations },
  register(ctx, options) {
    // Contributions are plain functions without a kernel handle: they reach the service here.
    let service: CollectionsRuntime | undefined
    let permissions: PermissionsService | undefined
    let dialect: SqlDialect = 'sqlite'
    ctx.provide(Collections, (boot) => {
      const database = boot.get(Database)
      permissions = boot.get(Permissions)
      dialect = database.dialect
      service = createCollectionsService({
        db: database.db,
        dialect: database.dialect,
        transactions: database.capabilities.transactions,
        pubsub: boot.tryGet(PubSub),
        permissions: () => boot.get(Permissions),
        logger: boot.logger,
        channel: options.channel,
      })
      return service
    })
    for (const route of collectionRoutes) ctx.route(route)
    for (const route of adoptRoutes) ctx.route(route)
    for (const tool of collectionTools) ctx.tool(tool)
    ctx.contribute(
      CollectionSchemas,
      createSchemaSource(() => service),
    )
    // The document describes the collections of the asking request's workspace that it may
    // use, as its rules let it: no one learns of a collection through it that the API hides.
    ctx.contribute(OpenApiContributions, async (document, request) => {
      const rulesOf = permissions
      if (!service || !rulesOf) return
      const { principal, workspace } = request
      await addCollectionsToDocument(document, service, {
        workspace,
        dialect,
        rules: (collection, action) =>
          rulesOf.rulesFor(principal, { workspace, collection, action }),
      })
    })
    registerItems(ctx, options.items)
    // The one activity log: other plugins write their entries (mcp.call, ...) through it.
    ctx.provide(ActivityLog, (boot) => {
      const database = boot.get(Database)
      return createActivityLog(database.db, database.dialect, boot.kernel.get(Clock))
    })
  },
  async boot(ctx) {
    await (ctx.get(Collections) as CollectionsRuntime).start()
  },
  async shutdown(ctx) {
    await (ctx.get(Collections) as CollectionsRuntime).stop()
  },
})
