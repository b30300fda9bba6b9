// One MCP server per HTTP request (stateless): the SDK's protocol handling with backlex's tools
// and, when @backlex/collections is installed, collection schemas as resources.
import { Server } from '@modelcontextprotocol/sdk/server/index.js'
import {
  CallToolRequestSchema,
  ListResourcesRequestSchema,
  ListResourceTemplatesRequestSchema,
  ListToolsRequestSchema,
  ReadResourceRequestSchema,
} from '@modelcontextprotocol/sdk/types.js'
import type { jsonSchemaValidator } from '@modelcontextprotocol/sdk/validation/types.js'
import type { McpCaller } from './caller.js'
import {
  collectionResourceTemplates,
  listCollectionResources,
  readCollectionResource,
} from './resources.js'
import { callMcpTool, listMcpTools } from './tool-calls.js'

export interface McpServerInfo {
  name: string
  version: string
  instructions: string
}

/**
 * The server never validates against JSON Schemas itself (it asks clients nothing: no
 * elicitation), and the SDK's default validator would build an Ajv instance per request.
 */
const noClientSchemas: jsonSchemaValidator = {
  getValidator: () => () => ({
    valid: false,
    data: undefined,
    errorMessage: 'this server does not validate client data against JSON Schemas',
  }),
}

/**
 * An SDK `Server` answering for `caller`; connect it to a transport for one request.
 * @example
 * const server = createMcpServer(caller, { name: 'backlex', version: '0.1.0', instructions: '' })
 * await server.connect(transport)
 */
export function createMcpServer(caller: McpCaller, info: McpServerInfo): Server {
  const collections = caller.collections
  const server = new Server(
    { name: info.name, version: info.version },
    {
      capabilities: { tools: {}, ...(collections ? { resources: {} } : {}) },
      instructions: info.instructions,
      jsonSchemaValidator: noClientSchemas,
    },
  )
  server.setRequestHandler(ListToolsRequestSchema, () => ({ tools: listMcpTools(caller) }))
  server.setRequestHandler(CallToolRequestSchema, (request) =>
    callMcpTool(caller, request.params.name, request.params.arguments),
  )
  if (collections) {
    server.setRequestHandler(ListResourcesRequestSchema, () =>
      listCollectionResources(caller, collections),
    )
    server.setRequestHandler(ListResourceTemplatesRequestSchema, () =>
      collectionResourceTemplates(),
    )
    server.setRequestHandler(ReadResourceRequestSchema, (request) =>
      readCollectionResource(caller, collections, request.params.uri),
    )
  }
  return server
}
