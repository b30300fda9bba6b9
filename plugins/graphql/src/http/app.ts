// /api/graphql over HTTP: GET (queries only) and POST (one operation or a batch), following
// GraphQL over HTTP with application/json: request errors are 400, execution errors 200.
import { Collections } from '@backlex/collections'
import {
  type BacklexEnv,
  type BacklexError,
  KernelErrors,
  type KernelHandle,
  type RequestContext,
} from '@backlex/kernel'
import { Permissions } from '@backlex/permissions'
import {
  type DocumentNode,
  type ExecutionResult,
  execute,
  type FragmentDefinitionNode,
  GraphQLError,
  type GraphQLFormattedError,
  type GraphQLSchema,
  getOperationAST,
  Kind,
  NoSchemaIntrospectionCustomRule,
  parse,
  specifiedRules,
  validate,
} from 'graphql'
import { Hono } from 'hono'
import { type GraphQLContext, GraphQLContributions } from '../contributions.js'
import { GraphQLErrors } from '../errors.js'
import { Items } from '../items-service.js'
import type { GraphQLOptions } from '../options.js'
import { buildSchema } from '../schema/build.js'
import { schemaView } from '../schema/view.js'
import { createSchemaCache, type SchemaCache } from './cache.js'
import { formatBacklexError, formatError } from './format.js'
import { checkLimits } from './limits.js'

interface Operation {
  query: string
  variables: Record<string, unknown>
  operationName: string | undefined
}

type Answer = { status: number; body: { data?: unknown; errors?: GraphQLFormattedError[] } }

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value)

function operationOf(raw: unknown, where: string): Operation {
  if (!isRecord(raw)) throw GraphQLErrors.BAD_REQUEST(`${where} must be an object with a "query".`)
  const { query, operationName } = raw
  let variables = raw.variables
  if (typeof query !== 'string' || query.trim() === '') {
    throw GraphQLErrors.BAD_REQUEST(`${where}: "query" must be a non-empty string.`)
  }
  if (typeof variables === 'string' && variables !== '') {
    try {
      variables = JSON.parse(variables) as unknown
    } catch {
      throw GraphQLErrors.BAD_REQUEST(`${where}: "variables" is not valid JSON.`)
    }
  }
  if (variables !== undefined && variables !== null && variables !== '' && !isRecord(variables)) {
    throw GraphQLErrors.BAD_REQUEST(`${where}: "variables" must be an object.`)
  }
  if (operationName !== undefined && operationName !== null && typeof operationName !== 'string') {
    throw GraphQLErrors.BAD_REQUEST(`${where}: "operationName" must be a string.`)
  }
  return {
    query,
    variables: isRecord(variables) ? variables : {},
    operationName: typeof operationName === 'string' ? operationName : undefined,
  }
}

const requestError = (error: BacklexError): Answer => ({
  status: error.status,
  body: { errors: [formatBacklexError(error)] },
})

/**
 * The Hono app mounted at /api/graphql. One schema per view key, cached per kernel.
 * @example
 * ctx.routes('/graphql', createGraphQLApp(options))
 */
export function createGraphQLApp(options: GraphQLOptions): Hono<BacklexEnv> {
  const app = new Hono<BacklexEnv>()
  const caches = new WeakMap<KernelHandle, SchemaCache>()
  const cacheOf = (kernel: KernelHandle) => {
    let cache = caches.get(kernel)
    if (!cache) {
      cache = createSchemaCache(options.schemaCacheSize)
      caches.set(kernel, cache)
    }
    return cache
  }
  const rules = options.introspection
    ? specifiedRules
    : [...specifiedRules, NoSchemaIntrospectionCustomRule]

  async function contextOf(
    request: RequestContext,
  ): Promise<{ schema: GraphQLSchema; context: GraphQLContext }> {
    const { kernel } = request
    const view = await schemaView(
      kernel.get(Collections),
      kernel.get(Permissions),
      request.principal,
      request.workspace,
    )
    const schema = cacheOf(kernel).get(view.key, () =>
      buildSchema(view, kernel.contributions(GraphQLContributions)),
    )
    return { schema, context: { request, items: kernel.get(Items), view } }
  }

  async function run(
    op: Operation,
    method: 'GET' | 'POST',
    schema: GraphQLSchema,
    context: GraphQLContext,
  ): Promise<Answer> {
    const logger = context.request.logger
    let document: DocumentNode
    try {
      document = parse(op.query, { maxTokens: options.maxTokens })
    } catch (error) {
      return requestError(
        GraphQLErrors.PARSE_FAILED(error instanceof GraphQLError ? error.message : 'Syntax error.'),
      )
    }
    const invalid = validate(schema, document, rules)
    if (invalid.length > 0) {
      const introspection = invalid.some((e) => /introspection/i.test(e.message))
      return {
        status: 400,
        body: {
          errors: invalid.map((e) =>
            formatError(
              e,
              introspection ? 'GRAPHQL_INTROSPECTION_DISABLED' : 'GRAPHQL_VALIDATION_FAILED',
              logger,
            ),
          ),
        },
      }
    }
    const operation = getOperationAST(document, op.operationName)
    if (!operation)
      return requestError(
        GraphQLErrors.BAD_REQUEST('Name the operation to run with "operationName".'),
      )
    if (method === 'GET' && operation.operation !== 'query')
      return requestError(GraphQLErrors.MUTATION_OVER_GET())
    if (!schema.getRootType(operation.operation)) {
      // A caller that may not write anything has no Mutation type at all.
      return requestError(
        GraphQLErrors.VALIDATION_FAILED(`This schema has no ${operation.operation}s.`),
      )
    }
    const fragments: Record<string, FragmentDefinitionNode> = {}
    for (const definition of document.definitions) {
      if (definition.kind === Kind.FRAGMENT_DEFINITION)
        fragments[definition.name.value] = definition
    }
    try {
      checkLimits(schema, operation, fragments, op.variables, options)
    } catch (error) {
      return requestError(error as BacklexError)
    }
    const result: ExecutionResult = await execute({
      schema,
      document,
      variableValues: op.variables,
      operationName: op.operationName,
      contextValue: context,
    })
    if (!('data' in result) || result.data === undefined) {
      // Variables did not coerce: nothing ran.
      return {
        status: 400,
        body: {
          errors: (result.errors ?? []).map((e) =>
            formatError(e, 'GRAPHQL_INVALID_VARIABLES', logger),
          ),
        },
      }
    }
    const body: Answer['body'] = { data: result.data }
    if (result.errors?.length)
      body.errors = result.errors.map((e) => formatError(e, 'GRAPHQL_EXECUTION_FAILED', logger))
    return { status: 200, body }
  }

  app.get('/', async (c) => {
    const request = c.get('backlex')
    const op = operationOf(
      {
        query: c.req.query('query'),
        variables: c.req.query('variables'),
        operationName: c.req.query('operationName'),
      },
      'The query string',
    )
    const { schema, context } = await contextOf(request)
    const answer = await run(op, 'GET', schema, context)
    return c.json(answer.body, answer.status as 200)
  })

  app.post('/', async (c) => {
    const request = c.get('backlex')
    const type = c.req.header('content-type') ?? ''
    if (!/^application\/([a-z.+-]*\+)?json\b/i.test(type))
      throw KernelErrors.UNSUPPORTED_MEDIA_TYPE('application/json')
    let raw: unknown
    try {
      raw = JSON.parse(await c.req.text()) as unknown
    } catch {
      throw KernelErrors.INVALID_JSON()
    }
    if (Array.isArray(raw)) {
      if (raw.length === 0) throw GraphQLErrors.BAD_REQUEST('The batch is empty.')
      if (raw.length > options.maxBatch)
        throw GraphQLErrors.BATCH_LIMIT(raw.length, options.maxBatch)
      const ops = raw.map((item, i) => operationOf(item, `Operation ${i}`))
      const { schema, context } = await contextOf(request)
      const answers: Answer['body'][] = []
      // In order, one after another: a batch of mutations runs as its sender wrote it.
      for (const op of ops) answers.push((await run(op, 'POST', schema, context)).body)
      return c.json(answers, 200)
    }
    const op = operationOf(raw, 'The body')
    const { schema, context } = await contextOf(request)
    const answer = await run(op, 'POST', schema, context)
    return c.json(answer.body, answer.status as 200)
  })

  return app
}
