// GraphQL errors -> the backlex error shape: a message and a stable `extensions.code`, with
// locations and path; never a stack, SQL text or the message of an unexpected error.
import { type BacklexError, isBacklexError, type LoggerAdapter } from '@backlex/kernel'
import { GraphQLError, type GraphQLFormattedError } from 'graphql'

/** A request-level failure (parse, validation, limits) as one formatted error. */
export function formatBacklexError(error: BacklexError): GraphQLFormattedError {
  return { message: error.message, extensions: { code: error.code, ...error.details } }
}

/**
 * Formats one error of an execution result. `fallbackCode` names errors graphql-js raised
 * itself (validation, coercion); unexpected errors are logged and hidden.
 * @example
 * result.errors?.map((e) => formatError(e, 'GRAPHQL_EXECUTION_FAILED', logger))
 */
export function formatError(
  error: GraphQLError,
  fallbackCode: string,
  logger: LoggerAdapter,
): GraphQLFormattedError {
  const where = {
    ...(error.locations ? { locations: error.locations } : {}),
    ...(error.path ? { path: error.path } : {}),
  }
  const original = error.originalError
  if (original && isBacklexError(original)) {
    // 503s (the database is unreachable, the server is starting) are safe to name: clients retry.
    if (original.status >= 500 && original.status !== 503) {
      logger.error(original.message, { code: original.code, cause: String(original.cause ?? '') })
      return { message: 'Internal server error.', ...where, extensions: { code: 'INTERNAL_ERROR' } }
    }
    return {
      message: original.message,
      ...where,
      extensions: { code: original.code, ...original.details },
    }
  }
  if (original && !(original instanceof GraphQLError)) {
    logger.error('graphql resolver failed', {
      error: original.message,
      stack: original.stack,
      path: error.path?.join('.'),
    })
    return { message: 'Internal server error.', ...where, extensions: { code: 'INTERNAL_ERROR' } }
  }
  return { message: error.message, ...where, extensions: { code: fallbackCode } }
}
