// Tools: transport-neutral operations (MCP, agents, the admin) run under the caller's principal.
import { z } from 'zod'
import type { LoggerAdapter } from './contracts/logger.js'
import { KernelErrors } from './errors.js'
import type { KernelHandle } from './kernel-handle.js'
import type { Principal } from './principal.js'
import { zodIssues } from './validation.js'

/**
 * What a tool does to data: `read` changes nothing, `write` creates or changes,
 * `destructive` deletes or overwrites, `admin` needs an admin principal.
 */
export type ToolAnnotation = 'read' | 'write' | 'destructive' | 'admin'

export interface ToolContext {
  principal: Principal
  workspace: string
  kernel: KernelHandle
  logger: LoggerAdapter
  requestId?: string
  /** The caller's network address, when the surface that called the tool knows it. */
  clientAddress?: string | null
}

export interface ToolDefinition<I extends z.ZodType = z.ZodType, O = unknown> {
  /** Unique, `^[a-z][a-z0-9_.-]*$`, e.g. `items.list`. */
  name: string
  /** What it does and returns, in words an agent can act on. */
  description: string
  input: I
  annotation: ToolAnnotation
  handler(ctx: ToolContext, input: z.output<I>): Promise<O> | O
}

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

export interface ToolInfo {
  name: string
  description: string
  annotation: ToolAnnotation
  plugin: string
  /** JSON Schema (draft 2020-12) of the input, from the zod schema. */
  inputSchema: Record<string, unknown>
}

export interface ToolRegistry {
  list(): ToolInfo[]
  get(name: string): (ToolDefinition & { plugin: string }) | undefined
  /**
   * Validates `input` and runs the tool as `principal`. Admin tools need an admin; a read-only
   * principal may run only `read` tools, and a tool allowlist (API-key scopes) is enforced.
   */
  call(
    name: string,
    input: unknown,
    caller: {
      principal: Principal
      workspace: string
      requestId?: string
      clientAddress?: string | null
    },
  ): Promise<unknown>
}

export function createToolRegistry(
  tools: Map<string, ToolDefinition & { plugin: string }>,
  kernel: () => KernelHandle,
  logger: LoggerAdapter,
): ToolRegistry {
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
      return tool.handler(
        { ...caller, kernel: kernel(), logger: logger.child({ tool: name }) },
        parsed.data,
      )
    },
  }
}
