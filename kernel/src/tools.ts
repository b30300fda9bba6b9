// Tools: transport-neutral operations (MCP, agents, the admin) run under the caller's principal,
// in the scope of the plugin that registered them.
import { z } from 'zod'
import type { LoggerAdapter } from './contracts/logger.js'
import { KernelErrors } from './errors.js'
import type { KernelHandle, Scope, ToolDefinition, ToolRegistry } from './plugin-api.js'
import { zodIssues } from './validation.js'

export type {
  ToolAnnotation,
  ToolCaller,
  ToolContext,
  ToolDefinition,
  ToolInfo,
  ToolRegistry,
} from './plugin-api.js'

/**
 * Declares a tool; register it with `ctx.tool(...)`.
 * @example
 * const greet = defineTool({
 *   name: 'hello.greet', description: 'Returns a greeting for `name`.',
 *   input: z.object({ name: z.string() }), annotation: 'read',
 *   handler: (_ctx, { name }) => ({ greeting: `Hello, ${name}` }),
 * })
 */
export function defineTool<I extends z.ZodType, O>(
  tool: ToolDefinition<I, O>,
): ToolDefinition<I, O> {
  return tool
}

export const TOOL_NAME = /^[a-z][a-z0-9_.-]{0,63}$/

export interface ToolRegistryOptions {
  kernel: () => KernelHandle
  logger: LoggerAdapter
  /** The scope of a plugin, for the tools it registered. */
  scope: (plugin: string) => Scope
}

export function createToolRegistry(
  tools: Map<string, ToolDefinition & { plugin: string }>,
  options: ToolRegistryOptions,
): ToolRegistry {
  const { logger } = options
  return {
    list: () =>
      [...tools.values()].map((t) => ({
        name: t.name,
        description: t.description,
        annotation: t.annotation,
        plugin: t.plugin,
        inputSchema: z.toJSONSchema(t.input, { io: 'input', unrepresentable: 'any' }) as Record<
          string,
          unknown
        >,
      })),
    get: (name) => tools.get(name),
    async call(name, input, caller) {
      const tool = tools.get(name)
      if (!tool) throw KernelErrors.TOOL_NOT_FOUND(name)
      if (tool.annotation === 'admin' && !caller.principal.admin) {
        throw KernelErrors.FORBIDDEN(`Tool "${name}" needs an admin.`)
      }
      // API-key scopes hold on every surface that calls tools (MCP, agents, the admin).
      const scopes = caller.principal.scopes
      if (scopes?.readOnly && tool.annotation !== 'read') throw KernelErrors.READ_ONLY_KEY(name)
      if (scopes?.tools && !scopes.tools.includes(name)) throw KernelErrors.TOOL_NOT_ALLOWED(name)
      const parsed = tool.input.safeParse(input ?? {})
      if (!parsed.success)
        throw KernelErrors.VALIDATION_FAILED('tool input', zodIssues(parsed.error))
      const scope = options.scope(tool.plugin)
      return tool.handler(
        {
          principal: caller.principal,
          workspace: caller.workspace,
          ...(caller.requestId === undefined ? {} : { requestId: caller.requestId }),
          ...(caller.clientAddress === undefined ? {} : { clientAddress: caller.clientAddress }),
          plugin: tool.plugin,
          use: scope.use,
          kernel: options.kernel(),
          logger: logger.child({ tool: name }),
        },
        parsed.data,
      )
    },
  }
}
