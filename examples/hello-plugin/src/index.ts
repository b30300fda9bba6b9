// @acme/hello: the model of a third-party backlex plugin, written only against
// @backlex/kernel's public API: a service, routes, a tool, a migration and event hooks.
import { Clock, Database, definePlugin } from '@backlex/kernel'
import pkg from '../package.json' with { type: 'json' }
import { createGreeter, Greeter, type Greeting, HelloEvents, helloOptions } from './greeter.js'
import { screenGreeting } from './hooks.js'
import { migrations } from './migrations.js'
import { createGreetingRoute, getGreetingRoute, greetRoute } from './routes.js'
import { greetTool } from './tool.js'

export { type HelloErrorCode, HelloErrors } from './errors.js'
export {
  Greeter,
  type Greeting,
  type GreetingDraft,
  greeting,
  greetingDraft,
  HelloEvents,
  type HelloOptions,
  helloOptions,
} from './greeter.js'
export { screenGreeting } from './hooks.js'
export { GREETINGS_TABLE, migrations } from './migrations.js'
export { createGreetingRoute, getGreetingRoute, greetRoute } from './routes.js'
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
  requires: [Database, Clock],
  provides: [Greeter],
  options: helloOptions,
  migrations,
  register(ctx, options) {
    ctx.provide(Greeter, (boot) => createGreeter(boot, options))
    ctx.route(greetRoute)
    ctx.route(createGreetingRoute)
    ctx.route(getGreetingRoute)
    ctx.tool(greetTool)
    ctx.on.filter(HelloEvents.create, screenGreeting(options.bannedWords))
    ctx.on.action<Greeting>(HelloEvents.created, async (stored, hook) => {
      await hook.kernel.get(Greeter).announce(stored)
    })
  },
})
