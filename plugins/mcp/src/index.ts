// @backlex/mcp: every kernel tool over the Model Context Protocol (Streamable HTTP), run as the
// caller's principal, with per-API-key read-only and tool-allowlist guards.
export type { McpCallDetail } from './activity.js'
export { type McpToolHints, mcpToolHints } from './annotations.js'
export { type McpErrorCode, McpErrors } from './errors.js'
export { type McpEndpoint, toolRefusal } from './guards.js'
export { type McpOptions, mcpOptions } from './options.js'
export { mcp } from './plugin.js'
export { COLLECTION_URI_PREFIX } from './resources.js'
