// @acme/hello: the model of a third-party backlex plugin, written only against
// @backlex/kernel's public API: a service with a lifecycle, routes, a tool, a migration, typed
// event hooks, a GraphQL part and an optional integration with @backlex/realtime.
import { Clock, Database, definePlugin } from '@backlex/kernel'
import pkg from '../package.json' with { type: 'json' }
import { Greeter, GreetingCreate, GreetingCreated } from './contract.js'
import { GraphQLContributions, helloGraphQL } from './graphql.js'
import { createGreeter } from './greeter.js'
import { screenGreeting } from './hooks.js'
import { migrations } from './migrations.js'
import { GREETINGS_CHANNEL, Realtime } from './realtime.js'
import { createGreetingRoute, getGreetingRoute, greetRoute } from './routes.js'
import { helloOptions } from './schemas.js'
import { greetTool } from './tool.js'

export * from './contract.js'
export { type HelloErrorCode, HelloErrors } from './errors.js'
export { createGreeter, type GreeterDeps, type GreeterInstance } from './greeter.js'
export { screenGreeting } from './hooks.js'
export { GREETINGS_TABLE, migrations } from './migrations.js'
export { GREETINGS_CHANNEL } from './realtime.js'
export { createGreetingRoute, getGreetingRoute, greetRoute } from './routes.js'
export { greeting, greetingDraft, helloOptions } from './schemas.js'
export { greetTool } from './tool.js'

/**
 * The `@acme/hello` plugin.
 * @example
 * import { hello } from '@backlex/example-hello-plugin'
 * export default defineConfig({ plugins: [sqlite(), hello({ greeting: 'Hi' })] })
 */
export const hello = definePlugin({
  name: '@acme/hello',
  version: pkg.version,
  kernel: '^0.1.0',
  // Every service the plugin's code calls `use()` on is declared here; anything else throws
  // SERVICE_NOT_DECLARED. `optional` ones may be absent: `use()` gives undefined then.
  requires: [Database, Clock],
  optional: [Realtime],
  provides: [Greeter],
  options: helloOptions,
  migrations,
  register(ctx, options) {
    // One Greeter per app, made by the kernel; its timer starts at boot and stops at shutdown.
    ctx.provide(
      Greeter,
      (boot) =>
        createGreeter(
          {
            database: boot.use(Database),
            clock: boot.use(Clock),
            events: boot.kernel.events,
            logger: boot.logger,
          },
          options,
        ),
      { start: (greeter) => greeter.start(), stop: (greeter) => greeter.stop() },
    )
    ctx.route(greetRoute)
    ctx.route(createGreetingRoute)
    ctx.route(getGreetingRoute)
    ctx.tool(greetTool)
    // Read only when @backlex/graphql is installed.
    ctx.contribute(GraphQLContributions, helloGraphQL(ctx))
    ctx.on.filter(GreetingCreate, screenGreeting(options.bannedWords))
    ctx.on.action(GreetingCreated, async (stored, hook) => {
      await hook.use(Greeter).announce(stored)
      // Undefined unless the app installed @backlex/realtime.
      await hook.use(Realtime)?.publish(stored.workspace, GREETINGS_CHANNEL, stored)
    })
  },
})
