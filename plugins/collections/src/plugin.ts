// The @backlex/collections plugin: the schema (collections, adopt, DDL, broadcast), the items
// API over it and the items' revisions, in one plugin. Tokens and events live in ./contract.ts.
import { Clock, Database, definePlugin, OpenApiContributions, PubSub } from '@backlex/kernel'
import { CollectionSchemas, Permissions } from '@backlex/permissions'
import { z } from 'zod'
import pkg from '../package.json' with { type: 'json' }
import { adoptRoutes } from './adopt/routes.js'
import { Collections, Items } from './contract.js'
import { ActivityLog } from './integrations.js'
import { createItemsRuntime, itemRoutes, itemsOptions, itemTools } from './items/index.js'
import { addCollectionsToDocument } from './openapi.js'
import { createSchemaSource } from './permissions-source.js'
import { revisionRoutes, revisionsMigrations } from './revisions/index.js'
import { schemaMigrations } from './schema/migrations.js'
import { collectionRoutes } from './schema/routes.js'
import { createCollectionsService } from './schema/service.js'
import { collectionTools } from './schema/tools.js'

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
  requires: [Database, Permissions, Clock],
  // With @backlex/activity installed, item writes are logged there (`item.*` entries).
  optional: [PubSub, ActivityLog],
  provides: [Collections, Items],
  options: collectionsOptions,
  // Revisions' migrations are named `0100_...` and up, so they sort after the schema's.
  migrations: { ...schemaMigrations, ...revisionsMigrations },
  register(ctx, options) {
    // The kernel makes one Collections service per kernel, starts it (listening for changes
    // made on other instances) when this plugin boots and stops it at shutdown.
    ctx.provide(
      Collections,
      (boot) => {
        const database = boot.use(Database)
        return createCollectionsService({
          db: database.db,
          dialect: database.dialect,
          transactions: database.capabilities.transactions,
          pubsub: boot.use(PubSub),
          permissions: () => boot.use(Permissions),
          logger: boot.logger,
          channel: options.channel,
        })
      },
      { start: (service) => service.start(), stop: (service) => service.stop() },
    )
    ctx.provide(Items, (boot) =>
      createItemsRuntime(
        {
          database: boot.use(Database),
          permissions: boot.use(Permissions),
          collections: boot.use(Collections),
          clock: boot.use(Clock),
          events: boot.kernel.events,
          activity: boot.use(ActivityLog),
        },
        options.items,
      ),
    )

    for (const route of collectionRoutes) ctx.route(route)
    for (const route of adoptRoutes) ctx.route(route)
    for (const route of itemRoutes) ctx.route(route)
    for (const route of revisionRoutes) ctx.route(route)
    for (const tool of collectionTools) ctx.tool(tool)
    for (const tool of itemTools) ctx.tool(tool)

    ctx.contribute(
      CollectionSchemas,
      createSchemaSource(() => ctx.use(Collections)),
    )
    // The document describes the collections of the asking request's workspace that it may
    // use, as its rules let it: no one learns of a collection through it that the API hides.
    ctx.contribute(OpenApiContributions, async (document, request) => {
      const permissions = ctx.use(Permissions)
      const { principal, workspace } = request
      await addCollectionsToDocument(document, ctx.use(Collections), {
        workspace,
        dialect: ctx.use(Database).dialect,
        rules: (collection, action) =>
          permissions.rulesFor(principal, { workspace, collection, action }),
      })
    })
  },
})
