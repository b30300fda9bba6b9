// The auth() plugin: migrations, the /api/auth handler, API key / role / user routes, tools,
// and the principal resolver the kernel runs on every request.
import {
  Clock,
  Database,
  definePlugin,
  Email,
  Kv,
  type KvAdapter,
  PrincipalResolvers,
  PubSub,
} from '@backlex/kernel'
import pkg from '../package.json' with { type: 'json' }
import { apiKeyRoutes } from './api-keys/routes.js'
import { createAuthApp } from './auth-app.js'
import { migrations } from './migrations.js'
import { authOptions } from './options.js'
import { roleRoutes } from './roles/routes.js'
import { Auth, type AuthRuntime, type AuthService, createAuthService } from './service.js'
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
    // Per kernel: the service is built on first use (at boot) from this kernel's services.
    let service: AuthRuntime | undefined
    let kv: KvAdapter | undefined
    const current = (): AuthService => {
      if (!service) throw new Error('@backlex/auth is used before it booted')
      return service
    }
    ctx.provide(Auth, (boot) => {
      kv = boot.get(Kv)
      service = createAuthService(boot, options)
      return service
    })
    ctx.contribute(PrincipalResolvers, ({ request, workspace }) =>
      service ? service.resolvePrincipal(request, workspace) : null,
    )
    ctx.routes(
      '/auth',
      createAuthApp({
        service: current,
        kv: () => {
          if (!kv) throw new Error('@backlex/auth is used before it booted')
          return kv
        },
        options,
      }),
    )
    for (const route of [
      ...apiKeyRoutes(current),
      ...roleRoutes(current),
      ...userRoutes(current),
    ]) {
      ctx.route(route)
    }
    for (const tool of authTools) ctx.tool(tool)
  },
  async boot(ctx, options) {
    // Build the service now: a missing secret or a broken database fails the boot, not a request.
    await (ctx.get(Auth) as AuthRuntime).start()
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
  async shutdown(ctx) {
    await (ctx.get(Auth) as AuthRuntime).stop()
  },
})
