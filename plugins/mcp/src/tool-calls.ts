// tools/list and tools/call over the kernel's tool registry: guards first, then the kernel runs
// the tool as the caller's principal; the outcome becomes an MCP result and one `mcp.call` entry.
import {
  type BacklexError,
  isBacklexError,
  KernelErrors,
  type ToolInfo,
  type ToolRegistry,
} from '@backlex/kernel'
import { ErrorCode, McpError } from '@modelcontextprotocol/sdk/types.js'
import { type McpToolHints, mcpToolHints } from './annotations.js'
import type { McpCaller } from './caller.js'
import { McpErrors } from './errors.js'
import { toolRefusal } from './guards.js'

/** A tool as tools/list shows it. */
export interface McpTool {
  name: string
  description: string
  inputSchema: { type: 'object'; [key: string]: unknown }
  annotations: McpToolHints
}

/** What tools/call answers: the result as text and (for objects) as structured content. */
export interface McpToolResult {
  content: { type: 'text'; text: string }[]
  structuredContent?: Record<string, unknown>
  isError?: boolean
  [key: string]: unknown
}

// The registry's tools are fixed once plugins have registered; JSON Schemas are built once.
const listed = new WeakMap<ToolRegistry, ToolInfo[]>()

function toolInfos(registry: ToolRegistry): ToolInfo[] {
  let infos = listed.get(registry)
  if (!infos) {
    infos = registry.list()
    listed.set(registry, infos)
  }
  return infos
}

function objectSchema(schema: Record<string, unknown>): McpTool['inputSchema'] {
  // MCP arguments are always an object; a tool whose input is not one still gets a valid schema.
  return schema.type === 'object'
    ? (schema as McpTool['inputSchema'])
    : { type: 'object', additionalProperties: true }
}

/**
 * The tools `caller` may call here, as MCP tools. Refused tools are left out, not greyed out:
 * an agent is never offered a tool it cannot use.
 * @example
 * const { tools } = { tools: listMcpTools(caller) }
 */
export function listMcpTools(caller: McpCaller): McpTool[] {
  return toolInfos(caller.kernel.tools)
    .filter((tool) => toolRefusal(tool, caller.principal, caller.endpoint) === null)
    .filter((tool) => tool.annotation !== 'admin' || caller.principal.admin)
    .map((tool) => ({
      name: tool.name,
      description: tool.description,
      inputSchema: objectSchema(tool.inputSchema),
      annotations: mcpToolHints(tool.annotation),
    }))
}

function toolError(error: BacklexError): McpToolResult {
  return {
    isError: true,
    content: [{ type: 'text', text: `${error.code}: ${error.message}` }],
    structuredContent: {
      errors: [{ message: error.message, extensions: { code: error.code, ...error.details } }],
    },
  }
}

function toolSuccess(result: unknown): McpToolResult {
  const text = JSON.stringify(result ?? null)
  // Round-tripped so structured content is plain JSON (dates as strings), the same as the text.
  const json: unknown = JSON.parse(text)
  const structured =
    json !== null && typeof json === 'object' && !Array.isArray(json)
      ? { structuredContent: json as Record<string, unknown> }
      : {}
  return { content: [{ type: 'text', text }], ...structured }
}

/**
 * Runs one tools/call as the caller and records it (`mcp.call`, without its arguments, written
 * after the result is handed back). Unknown tools are a JSON-RPC error (-32602);
 * everything else, including refused tools and invalid arguments, is a tool result with
 * `isError: true` that the agent can read and act on.
 * @example
 * const result = await callMcpTool(caller, 'notes.list', { limit: 10 })
 */
export async function callMcpTool(
  caller: McpCaller,
  name: string,
  args: Record<string, unknown> | undefined,
): Promise<McpToolResult> {
  const started = performance.now()
  const record = (error: string | null) =>
    caller.activity.record(caller, {
      tool: name.slice(0, 200),
      endpoint: caller.endpoint,
      ok: error === null,
      error,
      durationMs: Math.max(0, Math.round(performance.now() - started)),
    })

  const tool = caller.kernel.tools.get(name)
  if (!tool) {
    record('MCP_UNKNOWN_TOOL')
    const error = McpErrors.UNKNOWN_TOOL(name)
    throw new McpError(ErrorCode.InvalidParams, error.message, { code: error.code, tool: name })
  }
  const refused = toolRefusal(tool, caller.principal, caller.endpoint)
  if (refused) {
    record(refused.code)
    return toolError(refused)
  }
  try {
    const result = await caller.kernel.tools.call(name, args ?? {}, {
      principal: caller.principal,
      workspace: caller.workspace,
      requestId: caller.requestId,
      clientAddress: caller.clientAddress,
    })
    record(null)
    return toolSuccess(result)
  } catch (error) {
    let known: BacklexError
    if (isBacklexError(error)) known = error
    else {
      // Never a stack trace or SQL text to the client; the log has it.
      caller.logger.error('MCP tool failed', {
        tool: name,
        requestId: caller.requestId,
        error: error instanceof Error ? error.message : String(error),
        stack: error instanceof Error ? error.stack : undefined,
      })
      known = KernelErrors.INTERNAL()
    }
    record(known.code)
    return toolError(known)
  }
}
