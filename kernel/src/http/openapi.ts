// Builds the OpenAPI 3.1 document from the registered routes' zod schemas.
import { z } from 'zod'
import type { RequestContext } from '../context.js'
import { defineExtensionPoint } from '../extension-points.js'
import type { RouteRecord } from './route.js'

export interface OpenApiDocument {
  openapi: '3.1.0'
  info: { title: string; version: string; description?: string }
  paths: Record<string, Record<string, unknown>>
  components: { schemas: Record<string, unknown> }
  [key: string]: unknown
}

/**
 * Lets plugins add paths and schemas the route table cannot describe (per-collection schemas),
 * for the request asking: its workspace and principal.
 */
export const OpenApiContributions =
  defineExtensionPoint<
    (document: OpenApiDocument, request: RequestContext) => void | Promise<void>
  >('backlex.openapi')

const jsonSchema = (schema: z.ZodType, io: 'input' | 'output') => {
  const { $schema: _ignored, ...rest } = z.toJSONSchema(schema, {
    io,
    unrepresentable: 'any',
    target: 'draft-2020-12',
  }) as Record<string, unknown>
  return rest
}

function parameters(schema: z.ZodType | undefined, location: 'path' | 'query') {
  if (!schema) return []
  const s = jsonSchema(schema, 'input') as {
    properties?: Record<string, Record<string, unknown>>
    required?: string[]
  }
  return Object.entries(s.properties ?? {}).map(([name, property]) => ({
    name,
    in: location,
    required: location === 'path' ? true : (s.required ?? []).includes(name),
    ...(typeof property.description === 'string' ? { description: property.description } : {}),
    schema: property,
  }))
}

const errorResponse = { $ref: '#/components/responses/Error' }

export function buildOpenApiDocument(
  routes: RouteRecord[],
  info: { title: string; version: string },
): OpenApiDocument {
  const paths: OpenApiDocument['paths'] = {}
  for (const { definition: route, fullPath, plugin } of routes) {
    if (!route) continue
    const path = fullPath.replace(/:([A-Za-z0-9_]+)/g, '{$1}')
    const status = String(route.status ?? 200)
    const operation: Record<string, unknown> = {
      operationId: `${route.method}${path.replace(/[^A-Za-z0-9]+(.)?/g, (_m, ch: string | undefined) => (ch ? ch.toUpperCase() : ''))}`,
      tags: route.tags ?? [plugin],
      ...(route.summary ? { summary: route.summary } : {}),
      ...(route.description ? { description: route.description } : {}),
      parameters: [...parameters(route.params, 'path'), ...parameters(route.query, 'query')],
      responses: {
        [status]:
          status === '204'
            ? { description: 'No content' }
            : {
                description: 'Success',
                content: {
                  'application/json': {
                    schema: route.response ? jsonSchema(route.response, 'output') : {},
                  },
                },
              },
        '4XX': errorResponse,
        '5XX': errorResponse,
      },
    }
    if (route.body) {
      operation.requestBody = {
        required: true,
        content: { 'application/json': { schema: jsonSchema(route.body, 'input') } },
      }
    }
    paths[path] = { ...paths[path], [route.method]: operation }
  }
  return {
    openapi: '3.1.0',
    info,
    paths,
    components: {
      schemas: {
        Error: {
          type: 'object',
          required: ['errors'],
          properties: {
            errors: {
              type: 'array',
              items: {
                type: 'object',
                required: ['message', 'extensions'],
                properties: {
                  message: { type: 'string' },
                  extensions: {
                    type: 'object',
                    required: ['code'],
                    properties: { code: { type: 'string' } },
                  },
                },
              },
            },
          },
        },
      },
      responses: {
        Error: {
          description: 'Error envelope with a stable code',
          content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
        },
      },
    } as OpenApiDocument['components'],
  }
}
