// The @backlex/graphql plugin: /api/graphql over the live collections, and the extension point
// other plugins add types and fields through.
import { Collections } from '@backlex/collections/contract'
import { definePlugin } from '@backlex/kernel'
import { Permissions } from '@backlex/permissions/contract'
import pkg from '../package.json' with { type: 'json' }
import { createGraphQLApp } from './http/app.js'
import { Items } from './items-service.js'
import { graphqlOptions } from './options.js'
import { Realtime } from './realtime.js'

/**
 * GraphQL at `/api/graphql`, generated per caller from the collections it may read; with
 * @backlex/realtime installed, subscriptions over SSE (graphql-sse) at `/api/graphql/stream`.
 * @example
 * defineConfig({ plugins: [permissions(), collections(), graphql({ maxDepth: 8, introspection: false })] })
 */
export const graphql = definePlugin({
  name: '@backlex/graphql',
  version: pkg.version,
  kernel: '^0.1.0',
  requires: [Collections, Permissions, Items],
  // Subscriptions when @backlex/realtime is installed.
  optional: [Realtime],
  options: graphqlOptions,
  register(ctx, options) {
    // POST carries queries too: declared a read, and mutations are refused to read-only keys
    // by the app itself.
    ctx.routes('/graphql', createGraphQLApp(options), { effect: 'read' })
  },
})
