// The auth() plugin: migrations, the /api/auth handler, API key / role / user routes, tools,
// and the principal resolver the kernel runs on every request.
import {
  Clock,
  Database,
  definePlugin,
  Email,
  Kv,
  PrincipalResolvers,
  PubSub,
} from '@backlex/kernel'
import pkg from '../package.json' with { type: 'json' }
import { apiKeyRoutes } from './api-keys/routes.js'
import { createAuthApp } from './auth-app.js'
import { Auth } from './contract.js'
import { migrations } from './migrations.js'
import { authOptions } from './options.js'
import { roleRoutes } from './roles/routes.js'
import { createAuthService } from './service.js'
import { authTools } from './tools.js'
import { userRoutes } from './users/routes.js'

/**
 * Authentication: email + password, sessions (cookie or bearer), magic link and email OTP,
 * API keys, users and roles; the first user to sign up becomes admin.
 * @example
 * import { auth } from '@backlex/auth'
 * import { consoleEmail } from '@backlex/email'
 * defineConfig({ plugins: [sqlite(), consoleEmail(), auth({ secret: process.env.AUTH_SECRET })] })
 */
export const auth = definePlugin({
  name: '@backlex/auth',
  version: pkg.version,
  kernel: '^0.1.0',
  requires: [Database, Kv, Clock, PubSub],
  optional: [Email],
  provides: [Auth],
  options: authOptions,
  migrations,
  register(ctx, options) {
    // One service per kernel, built when the plugin boots: a missing secret or a broken
    // database fails the boot, not a request. It listens for API key changes of other instances.
    ctx.provide(
      Auth,
      (boot) =>
        createAuthService(
          {
            database: boot.use(Database),
            clock: boot.use(Clock),
            pubsub: boot.use(PubSub),
            email: boot.use(Email),
            logger: boot.logger,
            config: boot.config,
          },
          options,
        ),
      { start: (service) => service.start(), stop: (service) => service.stop() },
    )
    ctx.contribute(PrincipalResolvers, ({ request, workspace }) =>
      ctx.use(Auth).resolvePrincipal(request, workspace),
    )
    ctx.routes('/auth', createAuthApp(options))
    for (const route of [...apiKeyRoutes, ...roleRoutes, ...userRoutes]) ctx.route(route)
    for (const tool of authTools) ctx.tool(tool)
  },
  boot(ctx, options) {
    const peerKnown = ctx.config.runtime.clientAddress !== undefined
    if (
      !ctx.config.dev &&
      options.rateLimit.enabled &&
      !peerKnown &&
      !options.trustProxy &&
      !options.clientIp
    ) {
      ctx.logger.warn(
        'auth rate limits cannot tell clients apart on this runtime: every client shares one counter per route group. Set trustProxy behind a proxy, or clientIp.',
      )
    }
  },
})
