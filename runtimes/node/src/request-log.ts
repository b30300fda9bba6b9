// One line per request for a development console: method, path, status and milliseconds.

/** What is known of a request once its response has started. */
export interface RequestLogEntry {
  method: string
  /** The path without the query string (which may carry tokens). */
  path: string
  status: number
  /** From the request's arrival to the response's headers. */
  ms: number
}

/**
 * The request log line, e.g. `GET /api/items/notes 200 4ms`.
 * @example
 * formatRequestLine({ method: 'GET', path: '/health', status: 200, ms: 0.42 }) // 'GET /health 200 0ms'
 */
export function formatRequestLine(entry: RequestLogEntry): string {
  return `${entry.method} ${entry.path} ${entry.status} ${Math.round(entry.ms)}ms`
}

/** The path of a request URL, without its query string. */
export function pathOf(url: string): string {
  const start = url.indexOf('/', url.indexOf('//') + 2)
  if (start === -1) return '/'
  const query = url.indexOf('?', start)
  return query === -1 ? url.slice(start) : url.slice(start, query)
}
