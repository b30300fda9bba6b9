// The shape of backlex.config.ts.
import type { ClockAdapter } from './contracts/clock.js'
import type { LoggerAdapter, LogLevel } from './contracts/logger.js'
import type { Plugin } from './plugin.js'

/**
 * What a runtime offers; presets declare them and plugins list the ones they `need`.
 * `filesystem`: node:fs; `process`: env, signals, child processes; `tcp`: raw sockets (pg, SMTP);
 * `fetch`, `web-crypto`, `streams`: the Web APIs; `wait-until`: background work after a response.
 */
export type RuntimeCapability =
  | 'filesystem'
  | 'process'
  | 'tcp'
  | 'fetch'
  | 'web-crypto'
  | 'streams'
  | 'wait-until'
  // `string & {}` keeps autocompletion of the names above while allowing new ones.
  | (string & {})

export interface RuntimeInfo {
  /** The preset, e.g. `node`, `cloudflare`. */
  name: string
  capabilities: readonly RuntimeCapability[]
  /** How to read the client's address from a request and the runtime's env (the socket peer). */
  clientAddress?: (request: Request, env: unknown) => string | null
  /**
   * Where the server listens once it does, e.g. `http://127.0.0.1:3000` (undefined before, or
   * on runtimes that do not listen). Dev servers build links from it when no public URL is set.
   */
  listenURL?: () => string | undefined
}

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
