// Every way @backlex/redis can fail.
import { BacklexError } from '@backlex/kernel'

export const RedisErrors = {
  NO_URL: () =>
    new BacklexError(
      'REDIS_NO_URL',
      500,
      '@backlex/redis needs a url option or the REDIS_URL environment variable (redis://host:6379).',
    ),
  UNAVAILABLE: (waitedMs: number, cause?: unknown) =>
    new BacklexError(
      'REDIS_UNAVAILABLE',
      503,
      `Could not reach Redis within ${waitedMs} ms; is it running and is the url right?`,
      { waitedMs },
      { cause },
    ),
  NOT_A_NUMBER: (key: string) =>
    new BacklexError(
      'REDIS_NOT_A_NUMBER',
      500,
      `Kv key "${key}" holds a value that is not a number, so it cannot be incremented.`,
      { key },
    ),
} as const

/** Every code @backlex/redis can answer with. */
export type RedisErrorCode = ReturnType<(typeof RedisErrors)[keyof typeof RedisErrors]>['code']
