// @backlex/cloudflare: the Cloudflare Workers preset and the D1 Database adapter.
export {
  createD1Database,
  type D1DatabaseAdapter,
  type D1DatabaseLike,
  type D1DatabaseOptions,
  D1Dialect,
  type D1DialectOptions,
  D1Introspector,
  type D1Options,
  type D1Param,
  type D1PreparedStatementLike,
  type D1ResultLike,
  type D1ResultMeta,
  d1,
  d1Options,
  isD1Database,
  toD1Param,
} from './d1/index.js'
export { CloudflareEnv, type CloudflareEnvBindings, cloudflareEnv } from './env.js'
export { type CloudflareErrorCode, CloudflareErrors } from './errors.js'
export {
  type BacklexWorker,
  CLOUDFLARE_CAPABILITIES,
  cloudflareRuntime,
  createWorker,
  type ExecutionContextLike,
  type WorkerConfig,
  type WorkerOptions,
  workerConfig,
} from './worker.js'
