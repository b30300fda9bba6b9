// The lifecycle of registered plugins: boot in dependency order (migrations, then the
// plugin's provided services start, then its `boot` hook, within the boot timeout), drain and
// shut down in reverse order, and boot only what the Database needs for the CLI's migrations.
import type { Container } from './container.js'
import { Database, type DatabaseAdapter } from './contracts/database.js'
import type { LoggerAdapter } from './contracts/logger.js'
import { type BacklexError, isBacklexError, KernelErrors } from './errors.js'
import { applyMigrations } from './migrations.js'
import type { ResolvedConfig } from './plugin-api.js'
import type { Registration } from './registry.js'

export interface Lifecycle {
  /** Boots every plugin not booted yet, in order; on failure shuts down what booted. */
  bootAll(migrate: boolean): Promise<void>
  /** Runs `drain` of services and plugins once, in reverse boot order. */
  drainAll(): Promise<void>
  /** Runs `shutdown` hooks, then stops services, in reverse boot order; forgets instances. */
  shutdownAll(): Promise<void>
  /** Boots the Database provider and what it requires, runs `work`, then shuts them down. */
  withDatabase<T>(work: (db: DatabaseAdapter) => Promise<T>, booted: boolean): Promise<T>
}

export interface LifecycleOptions {
  registration: () => Registration
  container: Container
  config: ResolvedConfig
  logger: LoggerAdapter
}

function withTimeout<T>(work: Promise<T>, ms: number, onTimeout: () => BacklexError): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(onTimeout()), ms)
  })
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer))
}

export function createLifecycle(options: LifecycleOptions): Lifecycle {
  const { container, config, logger } = options
  const booted: string[] = []
  let draining: Promise<void> | undefined

  async function bootPlugin(name: string, migrate: boolean): Promise<void> {
    const entry = options.registration().plugins.get(name)
    if (!entry || booted.includes(name)) return
    const ctx = container.context(name)
    const work = (async () => {
      const migrations = entry.spec.migrations ?? {}
      if (migrate && Object.keys(migrations).length > 0) {
        const database = container.resolve(Database)
        if (!database) throw KernelErrors.NO_DATABASE(name)
        await applyMigrations(database, [{ plugin: name, migrations }])
      }
      await container.start(name)
      await entry.spec.boot?.(ctx, entry.options as never)
    })()
    try {
      await withTimeout(work, config.bootTimeoutMs, () =>
        KernelErrors.BOOT_TIMEOUT(name, config.bootTimeoutMs),
      )
    } catch (error) {
      // Its `shutdown` hook does not run (it never booted), but the services it started stop.
      await container.stop(name).catch(() => {})
      throw isBacklexError(error) ? error : KernelErrors.BOOT_FAILED(name, error)
    }
    booted.push(name)
  }

  /** Runs one stop step of a booted plugin within the timeout; failures are logged. */
  async function runStopStep(name: string, step: 'drain' | 'shutdown'): Promise<void> {
    const entry = options.registration().plugins.get(name)
    if (!entry) return
    const hook = entry.spec[step]
    const ctx = container.context(name)
    const work = async () => {
      if (step === 'drain') await container.drain(name)
      try {
        await hook?.(ctx, entry.options as never)
      } finally {
        if (step === 'shutdown') await container.stop(name)
      }
    }
    try {
      await withTimeout(work(), config.bootTimeoutMs, () =>
        KernelErrors.BOOT_TIMEOUT(name, config.bootTimeoutMs),
      )
    } catch (error) {
      logger.error(`plugin ${step} failed`, {
        plugin: name,
        error: error instanceof Error ? error.message : String(error),
      })
    }
  }

  const lifecycle: Lifecycle = {
    async bootAll(migrate) {
      const reg = options.registration()
      try {
        for (const name of reg.order) await bootPlugin(name, migrate)
      } catch (error) {
        await lifecycle.shutdownAll()
        throw error
      }
    },
    drainAll() {
      draining ??= (async () => {
        for (const name of [...booted].reverse()) await runStopStep(name, 'drain')
      })()
      return draining
    },
    async shutdownAll() {
      while (booted.length > 0) await runStopStep(booted.pop() as string, 'shutdown')
      draining = undefined
      container.clear()
    },
    async withDatabase(work, alreadyBooted) {
      const reg = options.registration()
      const provider = reg.providers.get(Database.id)
      if (provider === undefined) throw KernelErrors.SERVICE_UNAVAILABLE(Database)
      const needed = new Set<string>()
      const collect = (name: string) => {
        if (needed.has(name)) return
        needed.add(name)
        for (const token of reg.plugins.get(name)?.requires ?? []) {
          const p = reg.providers.get(token.id)
          if (p !== undefined && p !== name) collect(p)
        }
      }
      collect(provider)
      try {
        if (!alreadyBooted) {
          for (const name of reg.order) if (needed.has(name)) await bootPlugin(name, false)
        }
        const database = container.resolve(Database)
        if (!database) throw KernelErrors.SERVICE_UNAVAILABLE(Database)
        return await work(database)
      } finally {
        if (!alreadyBooted) await lifecycle.shutdownAll()
      }
    },
  }
  return lifecycle
}
