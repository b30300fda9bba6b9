// Every way @backlex/graphql can fail, in one place. Codes are stable and travel in
// `errors[].extensions.code`; messages are for people and may change.
import { BacklexError } from '@backlex/kernel'

export const GraphQLErrors = {
  /** The request is not a GraphQL request: no query, bad variables, wrong shape. */
  BAD_REQUEST: (message: string) => new BacklexError('GRAPHQL_BAD_REQUEST', 400, message),
  /** The query text does not parse. */
  PARSE_FAILED: (message: string) => new BacklexError('GRAPHQL_PARSE_FAILED', 400, message),
  /** An argument is out of range (a negative offset, a page of 0, a search too long, ...). */
  INVALID_ARGUMENT: (path: string, reason: string) =>
    new BacklexError('GRAPHQL_INVALID_ARGUMENT', 400, `Invalid argument ${path}: ${reason}.`, {
      path,
    }),
  /** The query does not fit the caller's schema (unknown or hidden field, wrong argument). */
  VALIDATION_FAILED: (message: string) =>
    new BacklexError('GRAPHQL_VALIDATION_FAILED', 400, message),
  /** Variables do not fit their declared types. */
  INVALID_VARIABLES: (message: string) =>
    new BacklexError('GRAPHQL_INVALID_VARIABLES', 400, message),
  /** The selection nests deeper than `maxDepth`. */
  DEPTH_LIMIT: (depth: number, max: number) =>
    new BacklexError(
      'GRAPHQL_DEPTH_LIMIT',
      400,
      `The query nests ${depth} levels deep; the limit is ${max}.`,
      { depth, max },
    ),
  /** The estimated rows of a query pass `maxCost`. */
  COST_LIMIT: (cost: number, max: number) =>
    new BacklexError(
      'GRAPHQL_COST_LIMIT',
      400,
      `The query may read about ${cost} rows; the limit is ${max}. Lower its limits.`,
      { cost, max },
    ),
  /** A batch (an array of operations in one POST) longer than `maxBatch`. */
  BATCH_LIMIT: (size: number, max: number) =>
    new BacklexError(
      'GRAPHQL_BATCH_LIMIT',
      400,
      `The batch has ${size} operations; the limit is ${max}.`,
      { size, max },
    ),
  /** Introspection is switched off (`introspection: false`). */
  INTROSPECTION_DISABLED: () =>
    new BacklexError('GRAPHQL_INTROSPECTION_DISABLED', 400, 'Introspection is disabled.'),
  /** GET can only run queries (mutations change data and need POST). */
  MUTATION_OVER_GET: () =>
    new BacklexError('GRAPHQL_MUTATION_OVER_GET', 405, 'Mutations must be sent with POST.'),
  /** A subscription sent as a plain JSON request: subscriptions are served as event streams. */
  SUBSCRIPTION_NEEDS_EVENT_STREAM: () =>
    new BacklexError(
      'GRAPHQL_SUBSCRIPTION_NEEDS_EVENT_STREAM',
      406,
      'Subscriptions are served as Server-Sent Events: send "Accept: text/event-stream" (graphql-sse), or use /api/graphql/stream.',
    ),
  /** A subscription on a server without @backlex/realtime. */
  SUBSCRIPTIONS_UNAVAILABLE: () =>
    new BacklexError(
      'GRAPHQL_SUBSCRIPTIONS_UNAVAILABLE',
      400,
      'Subscriptions need @backlex/realtime, which is not installed.',
    ),
  /** One relation selected twice (under aliases) with different arguments. */
  CONFLICTING_RELATION_ARGS: (path: string) =>
    new BacklexError(
      'GRAPHQL_CONFLICTING_RELATION_ARGS',
      400,
      `"${path}" is selected more than once with different arguments; select it once.`,
      { path },
    ),
  /** A contribution adds a type or field whose name is already taken. */
  CONTRIBUTION_CONFLICT: (name: string) =>
    new BacklexError(
      'GRAPHQL_CONTRIBUTION_CONFLICT',
      500,
      `A GraphQL contribution adds "${name}", which already exists in the schema.`,
      { name },
    ),
} as const

/** Every code this package answers with. */
export type GraphQLErrorCode = ReturnType<
  (typeof GraphQLErrors)[keyof typeof GraphQLErrors]
>['code']
