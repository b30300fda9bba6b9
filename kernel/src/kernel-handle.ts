// The kernel as plugins and requests see it once it has booted.
import type { BacklexConfig, RuntimeInfo } from './config.js'
import type { EventBus } from './events.js'
import type { ExtensionPoint } from './extension-points.js'
import type { RouteEffect } from './http/request-guards.js'
import type { ServiceToken } from './services.js'
import type { ToolRegistry } from './tools.js'

export interface ResolvedConfig {
  dev: boolean
  migrateOnBoot: boolean
  runtime: RuntimeInfo
  bodyLimit: number
  bootTimeoutMs: number
  name: string
  raw: BacklexConfig
}

export interface PluginInfo {
  name: string
  version: string
  kernel: string | null
  requires: string[]
  optional: string[]
  provides: string[]
  migrations: string[]
}

export interface RouteInfo {
  plugin: string
  method: string
  path: string
  /** What the route does to data; `write` routes are refused to read-only principals. */
  effect: RouteEffect
  summary?: string
}

export interface KernelHandle {
  readonly version: string
  readonly config: ResolvedConfig
  /** Any provided service. */
  get<T>(token: ServiceToken<T>): T
  tryGet<T>(token: ServiceToken<T>): T | undefined
  contributions<T>(point: ExtensionPoint<T>): T[]
  readonly tools: ToolRegistry
  readonly events: EventBus
  /** Plugins in boot order. */
  plugins(): PluginInfo[]
  routes(): RouteInfo[]
}
