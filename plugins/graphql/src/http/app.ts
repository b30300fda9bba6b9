// /api/graphql over HTTP: GET (queries only) and POST (one operation or a batch), following
// GraphQL over HTTP with application/json: request errors are 400, execution errors 200. With
// `Accept: text/event-stream` (or at /api/graphql/stream) one operation runs as an event stream
// (graphql-sse, distinct connections mode): subscriptions, and queries and mutations too.
import { Collections } from '@backlex/collections/contract'
import {
  type BacklexEnv,
  type BacklexError,
  createHeartbeat,
  isBacklexError,
  KernelErrors,
  type RequestContext,
} from '@backlex/kernel'
import { Permissions } from '@backlex/permissions/contract'
import {
  type DocumentNode,
  type ExecutionResult,
  execute,
  type FormattedExecutionResult,
  type FragmentDefinitionNode,
  GraphQLError,
  type GraphQLSchema,
  getOperationAST,
  Kind,
  MaxIntrospectionDepthRule,
  NoSchemaIntrospectionCustomRule,
  type OperationDefinitionNode,
  parse,
  specifiedRules,
  subscribe,
  validate,
} from 'graphql'
import { type Context, Hono } from 'hono'
import { type GraphQLContext, GraphQLContributions } from '../contract.js'
import { GraphQLErrors } from '../errors.js'
import { Items } from '../items-service.js'
import type { GraphQLOptions } from '../options.js'
import { Realtime } from '../realtime.js'
import { buildSchema } from '../schema/build.js'
import { schemaView } from '../schema/view.js'
import { createSchemaCache } from './cache.js'
import { acceptsEventStream, eventStreamResponse, type StreamSource } from './event-stream.js'
import { formatBacklexError, formatError } from './format.js'
import { checkLimits } from './limits.js'

interface Operation {
  query: string
  variables: Record<string, unknown>
  operationName: string | undefined
}

type Answer = { status: number; body: FormattedExecutionResult }
type Method = 'GET' | 'POST'
/** A parsed, valid operation within the limits, ready to run. */
type Runnable = { document: DocumentNode; operation: OperationDefinitionNode }

/** Realtime ends in-process subscriptions with this code when the server shuts down. */
const RECONNECT_CODES: ReadonlySet<string> = new Set(['REALTIME_SERVER_CLOSING'])

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
  // The plugin registers one app per kernel, so the cache is the kernel's own.
  const cache = createSchemaCache(options.schemaCacheSize)
  const rules = options.introspection
    ? specifiedRules
    : [...specifiedRules, NoSchemaIntrospectionCustomRule]
  /**
   * The code of a failed validation, by the rule that failed (never by its message: graphql-js's
   * own introspection depth rule mentions introspection too). Re-validates only on failure.
   */
  function validationCode(schema: GraphQLSchema, document: DocumentNode): string {
    if (
      !options.introspection &&
      validate(schema, document, [NoSchemaIntrospectionCustomRule]).length > 0
    )
      return 'GRAPHQL_INTROSPECTION_DISABLED'
    if (validate(schema, document, [MaxIntrospectionDepthRule]).length > 0)
      return 'GRAPHQL_DEPTH_LIMIT'
    return 'GRAPHQL_VALIDATION_FAILED'
  }
  const keepAlive = createHeartbeat(options.keepAliveMs)

  async function contextOf(
    request: RequestContext,
    httpRequest: Request,
  ): Promise<{ schema: GraphQLSchema; context: GraphQLContext }> {
    const view = await schemaView(
      request.use(Collections),
      request.use(Permissions),
      request.principal,
      request.workspace,
    )
    const subscriptions = request.use(Realtime) !== undefined
    const schema = cache.get(view.key, () =>
      buildSchema(view, request.kernel.contributions(GraphQLContributions), { subscriptions }),
    )
    return { schema, context: { request, items: request.use(Items), view, httpRequest } }
  }

  /** Parses, validates and checks limits; an Answer when the operation cannot run. */
  function prepare(
    op: Operation,
    method: Method,
    schema: GraphQLSchema,
    context: GraphQLContext,
    streaming: boolean,
  ): Runnable | Answer {
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
      const code = validationCode(schema, document)
      return {
        status: 400,
        body: { errors: invalid.map((e) => formatError(e, code, logger)) },
      }
    }
    const operation = getOperationAST(document, op.operationName)
    if (!operation)
      return requestError(
        GraphQLErrors.BAD_REQUEST('Name the operation to run with "operationName".'),
      )
    if (method === 'GET' && operation.operation === 'mutation')
      return requestError(GraphQLErrors.MUTATION_OVER_GET())
    // The route is declared a read to the kernel's read-only check: mutations are refused here.
    if (operation.operation === 'mutation' && context.request.principal.scopes?.readOnly)
      return requestError(KernelErrors.READ_ONLY_KEY())
    if (operation.operation === 'subscription') {
      // Without realtime, only subscriptions other plugins contributed can run.
      if (!schema.getSubscriptionType() && !context.request.use(Realtime))
        return requestError(GraphQLErrors.SUBSCRIPTIONS_UNAVAILABLE())
      if (!streaming) return requestError(GraphQLErrors.SUBSCRIPTION_NEEDS_EVENT_STREAM())
    }
    if (!schema.getRootType(operation.operation)) {
      // A caller that may not write (or read) anything has no Mutation (Subscription) type.
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
    return { document, operation }
  }

  /** An execution result as answered: 400 when nothing ran (variables did not coerce). */
  function answerOf(result: ExecutionResult, context: GraphQLContext): Answer {
    const logger = context.request.logger
    if (!('data' in result) || result.data === undefined) {
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

  const executeArgs = (
    op: Operation,
    runnable: Runnable,
    schema: GraphQLSchema,
    context: GraphQLContext,
  ) => ({
    schema,
    document: runnable.document,
    variableValues: op.variables,
    operationName: op.operationName,
    contextValue: context,
  })

  async function run(
    op: Operation,
    method: Method,
    schema: GraphQLSchema,
    context: GraphQLContext,
  ): Promise<Answer> {
    const runnable = prepare(op, method, schema, context, false)
    if ('status' in runnable) return runnable
    return answerOf(await execute(executeArgs(op, runnable, schema, context)), context)
  }

  /** One operation as an event stream: every outcome, errors included, as `next` events. */
  async function stream(c: Context<BacklexEnv>, raw: unknown, method: Method): Promise<Response> {
    const request = c.get('backlex')
    const { schema, context } = await contextOf(request, c.req.raw)
    const logger = request.logger
    const respond = (source: StreamSource) =>
      eventStreamResponse(source, {
        keepAlive,
        reconnectCodes: RECONNECT_CODES,
        failed: (error) => ({
          errors: [
            formatError(
              new GraphQLError(error instanceof Error ? error.message : String(error), {
                originalError: error instanceof Error ? error : undefined,
              }),
              'INTERNAL_ERROR',
              logger,
            ),
          ],
        }),
      })
    let op: Operation
    try {
      if (Array.isArray(raw))
        throw GraphQLErrors.BAD_REQUEST('An event stream runs one operation; send batches as JSON.')
      op = operationOf(raw, method === 'GET' ? 'The query string' : 'The body')
    } catch (error) {
      if (!isBacklexError(error)) throw error
      return respond(requestError(error).body)
    }
    const runnable = prepare(op, method, schema, context, true)
    if ('status' in runnable) return respond(runnable.body)
    const args = executeArgs(op, runnable, schema, context)
    if (runnable.operation.operation !== 'subscription') {
      return respond(answerOf(await execute(args), context).body)
    }
    const result = await subscribe(args)
    if (!(Symbol.asyncIterator in result)) return respond(answerOf(result, context).body)
    return respond(formatted(result, (r) => answerOf(r, context).body))
  }

  const queryOf = (c: Context<BacklexEnv>) => ({
    query: c.req.query('query'),
    variables: c.req.query('variables'),
    operationName: c.req.query('operationName'),
  })

  async function bodyOf(c: Context<BacklexEnv>): Promise<unknown> {
    const type = c.req.header('content-type') ?? ''
    if (!/^application\/([a-z.+-]*\+)?json\b/i.test(type))
      throw KernelErrors.UNSUPPORTED_MEDIA_TYPE('application/json')
    try {
      return JSON.parse(await c.req.text()) as unknown
    } catch {
      throw KernelErrors.INVALID_JSON()
    }
  }

  app.get('/stream', (c) => stream(c, queryOf(c), 'GET'))
  app.post('/stream', async (c) => stream(c, await bodyOf(c), 'POST'))

  app.get('/', async (c) => {
    if (acceptsEventStream(c.req.header('accept'))) return stream(c, queryOf(c), 'GET')
    const request = c.get('backlex')
    const op = operationOf(queryOf(c), 'The query string')
    const { schema, context } = await contextOf(request, c.req.raw)
    const answer = await run(op, 'GET', schema, context)
    return c.json(answer.body, answer.status as 200)
  })

  app.post('/', async (c) => {
    const raw = await bodyOf(c)
    if (acceptsEventStream(c.req.header('accept'))) return stream(c, raw, 'POST')
    const request = c.get('backlex')
    if (Array.isArray(raw)) {
      if (raw.length === 0) throw GraphQLErrors.BAD_REQUEST('The batch is empty.')
      if (raw.length > options.maxBatch)
        throw GraphQLErrors.BATCH_LIMIT(raw.length, options.maxBatch)
      const ops = raw.map((item, i) => operationOf(item, `Operation ${i}`))
      const { schema, context } = await contextOf(request, c.req.raw)
      const answers: Answer['body'][] = []
      // In order, one after another: a batch of mutations runs as its sender wrote it.
      for (const op of ops) answers.push((await run(op, 'POST', schema, context)).body)
      return c.json(answers, 200)
    }
    const op = operationOf(raw, 'The body')
    const { schema, context } = await contextOf(request, c.req.raw)
    const answer = await run(op, 'POST', schema, context)
    return c.json(answer.body, answer.status as 200)
  })

  return app
}

/** A subscription's results, formatted as they come; ending it ends the subscription. */
function formatted(
  results: AsyncGenerator<ExecutionResult, void, void>,
  format: (result: ExecutionResult) => FormattedExecutionResult,
): AsyncIterator<FormattedExecutionResult> {
  return {
    async next() {
      const step = await results.next()
      return step.done
        ? { value: undefined, done: true }
        : { value: format(step.value), done: false }
    },
    async return() {
      await results.return()
      return { value: undefined, done: true }
    },
  }
}
