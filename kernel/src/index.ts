// @backlex/kernel: the public API. Everything a plugin or preset needs is exported here.
export type { BacklexConfig, RuntimeCapability, RuntimeInfo } from './config.js'
export { defineConfig } from './config.js'
export type { BacklexEnv, RequestContext } from './context.js'
export { getRequestContext } from './context.js'
export * from './contracts/index.js'
export { createConsoleLogger } from './defaults/console-logger.js'
export { createMemoryKv } from './defaults/memory-kv.js'
export { createMemoryPubSub } from './defaults/memory-pubsub.js'
export { systemClock } from './defaults/system-clock.js'
export { BacklexError, isBacklexError, type KernelErrorCode, KernelErrors } from './errors.js'
export {
  type ActionHook,
  defineEvent,
  type EventBus,
  type EventDefinition,
  type EventKey,
  type EventMeta,
  eventRef,
  type FilterHook,
  type HookContext,
  type PayloadOf,
} from './events.js'
export { defineExtensionPoint, type ExtensionPoint } from './extension-points.js'
export { errorBody } from './http/app.js'
export {
  acceptsEventStream,
  Backlog,
  type BacklogOptions,
  createHeartbeat,
  EVENT_STREAM_HEADERS,
  EventStream,
  type EventStreamOptions,
  encodeEvent,
  type Frame,
  type FrameEvent,
  frameEvent,
  HEARTBEAT_FRAME,
  type Heartbeat,
  retryFrame,
} from './http/event-stream.js'
export { buildOpenApiDocument, OpenApiContributions, type OpenApiDocument } from './http/openapi.js'
export {
  checkJsonValue,
  checkUrlText,
  hasUnsafeText,
  MAX_JSON_DEPTH,
  type RouteEffect,
} from './http/request-guards.js'
export {
  defineRoute,
  type HttpMethod,
  type RouteDefinition,
  type RouteInput,
} from './http/route.js'
export { sortableId } from './ids.js'
export { type Backlex, createBacklex, KERNEL_PLUGIN, type KernelState } from './kernel.js'
export {
  type MigrationResult,
  type MigrationStatus,
  migrationTableName,
  pluginSlug,
} from './migrations.js'
export type {
  BootContext,
  Plugin,
  PluginFactory,
  PluginMigration,
  PluginSpec,
  RegisterContext,
  ServiceLifecycle,
} from './plugin.js'
export { definePlugin } from './plugin.js'
export type {
  AnyDeps,
  Deps,
  KernelHandle,
  PluginInfo,
  ResolvedConfig,
  RouteInfo,
  Scope,
  Use,
} from './plugin-api.js'
export {
  anonymousPrincipal,
  DEFAULT_WORKSPACE,
  type Principal,
  type PrincipalResolver,
  PrincipalResolvers,
  type PrincipalType,
  systemPrincipal,
  type WorkspaceResolver,
  WorkspaceResolvers,
} from './principal.js'
export { defineService, type ServiceOf, type ServiceToken, serviceRef } from './services.js'
export {
  defineTool,
  type ToolAnnotation,
  type ToolCaller,
  type ToolContext,
  type ToolDefinition,
  type ToolInfo,
  type ToolRegistry,
} from './tools.js'
export { zodIssues } from './validation.js'
export { KERNEL_VERSION } from './version.js'
