// The service container: one instance per provided token and kernel, made by its provider's
// factory; scopes that let each plugin reach only the services it declared; and the
// start/drain/stop steps of provided instances, run by the lifecycle.
import type { LoggerAdapter } from './contracts/logger.js'
import { KernelErrors } from './errors.js'
import type { ExtensionPoint } from './extension-points.js'
import type { BootContext, ServiceLifecycle } from './plugin.js'
import type { KernelHandle, ResolvedConfig, Scope, Use } from './plugin-api.js'
import type { ServiceToken } from './services.js'

/** The name the kernel uses for what it registers itself (defaults, /health, /api/openapi). */
export const KERNEL_PLUGIN = '@backlex/kernel'

/** How one token is provided. */
export interface Provision {
  plugin: string
  factory: (ctx: BootContext) => unknown
  lifecycle?: ServiceLifecycle<unknown> | undefined
}

/** What a plugin declared, by service id: `present` (requires, provides) or `optional`. */
export type Declarations = ReadonlyMap<string, 'present' | 'optional'>

export interface ContainerOptions {
  logger: LoggerAdapter
  config: ResolvedConfig
  kernel: () => KernelHandle
  contributions: <T>(point: ExtensionPoint<T>) => T[]
  /** Token id -> provision; undefined until registration has finished. */
  provisions: () => ReadonlyMap<string, Provision> | undefined
  /** Declarations of a registered plugin; undefined for unknown plugins. */
  declarations: (plugin: string) => Declarations | undefined
}

export interface Container {
  /** The instance of `token` (made on first use), or undefined when nothing provides it. */
  resolve<T>(token: ServiceToken<T>): T | undefined
  /** The plugin's scope and boot context (one per plugin and kernel). */
  context(plugin: string): BootContext
  /** Makes and starts the instances `plugin` provides, in the order it provided them. */
  start(plugin: string): Promise<void>
  /** Runs `drain` of the started instances of `plugin`. */
  drain(plugin: string): Promise<void>
  /** Runs `stop` of the started instances of `plugin`, last provided first. */
  stop(plugin: string): Promise<void>
  /** Forgets every instance (after shutdown; a later boot makes new ones). */
  clear(): void
}

export function createContainer(options: ContainerOptions): Container {
  const instances = new Map<string, unknown>()
  const creating = new Set<string>()
  const started = new Map<string, string[]>()
  const contexts = new Map<string, BootContext>()

  const resolve = <T>(token: ServiceToken<T>): T | undefined => {
    if (instances.has(token.id)) return instances.get(token.id) as T
    const provision = options.provisions()?.get(token.id)
    if (provision === undefined) return undefined
    if (creating.has(token.id)) {
      throw KernelErrors.DEPENDENCY_CYCLE([
        provision.plugin,
        `service "${token.id}"`,
        provision.plugin,
      ])
    }
    creating.add(token.id)
    try {
      const instance = provision.factory(context(provision.plugin))
      instances.set(token.id, instance)
      return instance as T
    } finally {
      creating.delete(token.id)
    }
  }

  function useOf(plugin: string): Use {
    if (plugin === KERNEL_PLUGIN) {
      return ((token: ServiceToken<unknown>) => {
        const instance = resolve(token)
        if (instance === undefined) throw KernelErrors.SERVICE_UNAVAILABLE(token)
        return instance
      }) as Use
    }
    return ((token: ServiceToken<unknown>) => {
      if (options.provisions() === undefined) throw KernelErrors.SERVICE_NOT_READY(plugin, token)
      const declared = options.declarations(plugin)?.get(token.id)
      if (declared === undefined) throw KernelErrors.SERVICE_NOT_DECLARED(plugin, token)
      const instance = resolve(token)
      if (instance === undefined && declared === 'present')
        throw KernelErrors.SERVICE_UNAVAILABLE(token)
      return instance
    }) as Use
  }

  function context(plugin: string): BootContext {
    let ctx = contexts.get(plugin)
    if (ctx === undefined) {
      ctx = {
        plugin,
        use: useOf(plugin),
        logger: options.logger.child({ plugin }),
        config: options.config,
        get kernel() {
          return options.kernel()
        },
        contributions: options.contributions,
      }
      contexts.set(plugin, ctx)
    }
    return ctx
  }

  const ownProvisions = (plugin: string): [string, Provision][] =>
    [...(options.provisions() ?? [])].filter(([, p]) => p.plugin === plugin)

  return {
    resolve,
    context,
    async start(plugin) {
      const done: string[] = []
      started.set(plugin, done)
      for (const [id, provision] of ownProvisions(plugin)) {
        const instance = resolve({ kind: 'service', id })
        await provision.lifecycle?.start?.(instance, context(plugin))
        done.push(id)
      }
    },
    async drain(plugin) {
      for (const id of started.get(plugin) ?? []) {
        const drain = options.provisions()?.get(id)?.lifecycle?.drain
        if (drain) await drain(instances.get(id), context(plugin))
      }
    },
    async stop(plugin) {
      const done = started.get(plugin) ?? []
      started.delete(plugin)
      for (const id of [...done].reverse()) {
        const stop = options.provisions()?.get(id)?.lifecycle?.stop
        if (!stop) continue
        try {
          await stop(instances.get(id), context(plugin))
        } catch (error) {
          // One service failing to stop must not keep the others running.
          options.logger.error('service stop failed', {
            plugin,
            service: id,
            error: error instanceof Error ? error.message : String(error),
          })
        }
      }
    },
    clear() {
      instances.clear()
      started.clear()
    },
  }
}

/** A scope of the kernel itself: every service, for presets and the kernel's own routes. */
export function kernelScope(container: Container): Scope {
  return container.context(KERNEL_PLUGIN)
}
