// The shape of backlex.config.ts.
import type { ClockAdapter } from './contracts/clock.js'
import type { LoggerAdapter, LogLevel } from './contracts/logger.js'
import type { Plugin } from './plugin.js'
import type { RuntimeInfo } from './runtime.js'

export type { RuntimeCapability, RuntimeInfo } from './runtime.js'

export interface BacklexConfig {
  plugins: Plugin[]
  /** Development mode: migrations are applied at boot. */
  dev?: boolean
  /** Apply pending migrations at boot (default: the value of `dev`). */
  migrateOnBoot?: boolean
  /** Set by the preset. */
  runtime?: RuntimeInfo
  http?: {
    /** Largest accepted request body in bytes (default 1 MiB). */
    bodyLimit?: number
    /** CORS for browser clients on other origins; off by default. */
    cors?: { origin: string | string[]; credentials?: boolean }
  }
  /** Longest a single plugin's boot may take, in ms (default 10,000). */
  bootTimeoutMs?: number
  logLevel?: LogLevel
  /** Replaces the default JSON console logger. */
  logger?: LoggerAdapter
  /** Replaces the system clock (tests). */
  clock?: ClockAdapter
  /** Title of the OpenAPI document. */
  name?: string
}

/**
 * Declares a backlex config with types; returns it unchanged.
 * @example
 * export default defineConfig({ plugins: [hello()] })
 */
export function defineConfig(config: BacklexConfig): BacklexConfig {
  return config
}
