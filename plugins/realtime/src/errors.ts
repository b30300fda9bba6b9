// Every way @backlex/realtime can fail, in one place. Codes are stable; messages may change.
// Errors before a stream opens are JSON responses; after it opens, a stream ends with an
// `end` event carrying one of the StreamEndCodes below.
import { BacklexError, KernelErrors } from '@backlex/kernel'

export const RealtimeErrors = {
  INVALID_CHANNEL: (channel: string) =>
    new BacklexError(
      'REALTIME_INVALID_CHANNEL',
      400,
      `"${channel}" is not a channel: use items:<collection>, presence:<name>, collections, or a name of lower-case letters, digits, ".", "_" and "-" (at most 64).`,
      { channel },
    ),
  /** Items channels need the permissions plugin; presence and free-form channels do not. */
  CHANNEL_UNAVAILABLE: (channel: string, needs: string) =>
    new BacklexError(
      'REALTIME_CHANNEL_UNAVAILABLE',
      404,
      `Channel "${channel}" needs ${needs}, which is not installed.`,
      { channel },
    ),
  COLLECTION_NOT_FOUND: (collection: string) =>
    new BacklexError(
      'REALTIME_COLLECTION_NOT_FOUND',
      404,
      `No collection "${collection}" to subscribe to.`,
      { collection },
    ),
  /**
   * A subscription's `fields` names a field the collection does not have. A malformed query is
   * the items query language's own 400 INVALID_QUERY (read by @backlex/collections).
   */
  INVALID_QUERY: (parameter: string, reason: string) =>
    new BacklexError(
      'REALTIME_INVALID_QUERY',
      400,
      `Invalid query parameter "${parameter}": ${reason}`,
      { parameter, reason },
    ),
  /** A field named in `fields` or `filter` that the caller may never read. */
  FIELD_FORBIDDEN: (field: string, where: string) =>
    new BacklexError(
      'REALTIME_FIELD_FORBIDDEN',
      403,
      `You may not read field "${field}" (named in ${where}).`,
      { field, where },
    ),
  NOT_PUBLISHABLE: (channel: string) =>
    new BacklexError(
      'REALTIME_NOT_PUBLISHABLE',
      400,
      `Channel "${channel}" cannot be published to: item events come from writes, presence from subscribers.`,
      { channel },
    ),
  MESSAGE_TOO_LARGE: (bytes: number, limit: number) =>
    new BacklexError(
      'REALTIME_MESSAGE_TOO_LARGE',
      413,
      `The message is ${bytes} bytes; the limit is ${limit}.`,
      { bytes, limit },
    ),
  RATE_LIMITED: (retryAfterSeconds: number) =>
    new BacklexError(
      'REALTIME_RATE_LIMITED',
      429,
      `Too many messages; try again in ${retryAfterSeconds} s.`,
      { retryAfterSeconds },
    ),
  UNAUTHORIZED: (message?: string) => KernelErrors.UNAUTHORIZED(message),
  FORBIDDEN: (message?: string) => KernelErrors.FORBIDDEN(message),
  /**
   * What an in-process subscription (`Realtime.subscribeItems`) throws when the server ends it;
   * `code` is one of the StreamEndCodes, as an SSE stream's `end` event would carry.
   */
  STREAM_ENDED: (code: string, message: string) => new BacklexError(code, 410, message),
} as const

/** Codes sent in the `end` event that closes a stream; the client decides whether to reconnect. */
export const StreamEndCodes = {
  /** The connection's buffer filled up: the client read too slowly. Reconnect to resume. */
  SLOW_CONSUMER: 'REALTIME_SLOW_CONSUMER',
  /** The API key was revoked or expired, or the session ended. Do not reconnect with it. */
  CREDENTIALS_REVOKED: 'REALTIME_CREDENTIALS_REVOKED',
  /** The caller could not be checked again (e.g. the database was unreachable). Reconnect. */
  REVALIDATION_FAILED: 'REALTIME_REVALIDATION_FAILED',
  /** The caller lost what the channel needs (e.g. admin for `collections`). */
  ACCESS_LOST: 'REALTIME_ACCESS_LOST',
  /** The collection of an items channel was deleted. */
  COLLECTION_DELETED: 'REALTIME_COLLECTION_DELETED',
  /** Missed events could not be read from the log. Reconnect. */
  REPLAY_FAILED: 'REALTIME_REPLAY_FAILED',
  /** Events could not be delivered (e.g. rules could not be read). Reconnect to resume. */
  DELIVERY_FAILED: 'REALTIME_DELIVERY_FAILED',
  /**
   * The server is shutting down. SSE streams end without an `end` event (EventSource reconnects
   * by itself); in-process subscriptions end with this code: subscribe again, elsewhere.
   */
  SERVER_CLOSING: 'REALTIME_SERVER_CLOSING',
} as const

export type StreamEndCode = (typeof StreamEndCodes)[keyof typeof StreamEndCodes]

/** Every code @backlex/realtime can answer with (HTTP errors and stream ends). */
export type RealtimeErrorCode =
  | ReturnType<(typeof RealtimeErrors)[keyof typeof RealtimeErrors]>['code']
  | StreamEndCode
