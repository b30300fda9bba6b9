// The plugin's tool: the same operation for MCP clients, agents and the admin.
import { defineTool } from '@backlex/kernel'
import { z } from 'zod'
import { Greeter } from './contract.js'

/**
 * `hello.greet`: returns a greeting for a name; changes nothing.
 * @example
 * await app.tools.call('hello.greet', { name: 'Ada' }, { principal, workspace: 'main' })
 */
export const greetTool = defineTool({
  name: 'hello.greet',
  description: 'Returns a greeting for `name`, e.g. {"greeting":"Hello, Ada!"}. Changes nothing.',
  input: z.object({ name: z.string().min(1).max(64).describe('Who to greet') }),
  annotation: 'read',
  handler: (tool, { name }) => ({ greeting: tool.use(Greeter).greet(name) }),
})
