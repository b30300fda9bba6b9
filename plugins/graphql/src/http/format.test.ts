// Formatting execution errors: client errors and 503s keep their code, other server errors hide.
import { BacklexError, type LoggerAdapter } from '@backlex/kernel'
import { GraphQLError } from 'graphql'
import { describe, expect, it } from 'vitest'
import { formatError } from './format.js'

const logged: unknown[] = []
const logger = {
  error: (...args: unknown[]) => logged.push(args),
  warn: () => {},
  info: () => {},
  debug: () => {},
  child: () => logger,
} as unknown as LoggerAdapter

const raised = (error: Error) =>
  new GraphQLError(error.message, { originalError: error, path: ['posts'] })

describe('formatError', () => {
  it('names a database outage (503) so clients know to retry', () => {
    const outage = new BacklexError('DATABASE_UNAVAILABLE', 503, 'The database is unavailable.')
    expect(formatError(raised(outage), 'X', logger)).toEqual({
      message: 'The database is unavailable.',
      path: ['posts'],
      extensions: { code: 'DATABASE_UNAVAILABLE' },
    })
  })

  it('hides other server errors and logs them', () => {
    const internal = new BacklexError('SOMETHING_BROKE', 500, 'select * from secrets failed')
    expect(formatError(raised(internal), 'X', logger)).toEqual({
      message: 'Internal server error.',
      path: ['posts'],
      extensions: { code: 'INTERNAL_ERROR' },
    })
    expect(formatError(raised(new Error('boom')), 'X', logger).extensions).toEqual({
      code: 'INTERNAL_ERROR',
    })
    expect(logged).toHaveLength(2)
  })
})
