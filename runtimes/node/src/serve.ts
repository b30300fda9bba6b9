// serve(): boots a backlex kernel and serves it over HTTP on Node, with graceful shutdown.
import type { Server } from 'node:http'
import { type Backlex, type BacklexConfig, createBacklex, Logger } from '@backlex/kernel'
import { createAdaptorServer } from '@hono/node-server'
import { type NodeDefaultsOptions, nodeRuntime, withNodeDefaults } from './defaults.js'
import { NodeErrors } from './errors.js'
import { listen, trackRequests } from './http-server.js'
import { formatRequestLine, pathOf, type RequestLogEntry } from './request-log.js'

export interface ServeOptions extends NodeDefaultsOptions {
  /** Port to listen on; 0 picks a free one. Default: the `PORT` variable, else 3000. */
  port?: number | string
  /**
   * Interface to bind. Default: the `HOST` variable, else `127.0.0.1` when the config has
   * `dev: true` (a dev server is not for the network) and `0.0.0.0` otherwise (so a server
   * in a container is reachable through its published port).
   */
  hostname?: string
  /** Shut down gracefully on SIGTERM and SIGINT, then exit the process (default true). */
  signals?: boolean
  /** How long a graceful shutdown waits for in-flight requests, in ms (default 10,000). */
  shutdownTimeoutMs?: number
  /**
   * Log each request: `true` prints `GET /api/notes 200 3ms` lines on stdout, a function gets
   * each entry. Off by default (production logs are the Logger's); `backlex dev` turns it on.
   */
  requestLog?: boolean | ((entry: RequestLogEntry) => void)
}

/** A running server. */
export interface NodeServer {
  /** Where to reach it, e.g. `http://127.0.0.1:3000` (loopback when bound to all interfaces). */
  readonly url: string
  readonly port: number
  readonly hostname: string
  readonly kernel: Backlex
  readonly server: Server
  /**
   * Stops accepting, asks plugins to end long-lived streams (`drain`), lets in-flight requests
   * finish, shuts the kernel down. Idempotent.
   */
  close(): Promise<void>
}

const DEFAULT_PORT = 3000

function parsePort(value: number | string): number {
  const port = typeof value === 'number' ? value : Number(value.trim())
  if (!Number.isInteger(port) || port < 0 || port > 65535 || String(value).trim() === '') {
    throw NodeErrors.INVALID_PORT(String(value))
  }
  return port
}

/** A URL a client on this machine can use; for "all interfaces", the loopback address. */
function urlOf(hostname: string, port: number): string {
  if (hostname === '0.0.0.0') return `http://127.0.0.1:${port}`
  if (hostname === '::') return `http://[::1]:${port}`
  return hostname.includes(':') ? `http://[${hostname}]:${port}` : `http://${hostname}:${port}`
}

/**
 * Boots the kernel of `config` (with the Node defaults of `withNodeDefaults`), then listens.
 * Rejects with the kernel's error when a plugin fails to boot, or NODE_ADDRESS_IN_USE.
 * @example
 * // server.ts: node server.ts
 * import { serve } from '@backlex/node'
 * import config from './backlex.config.ts'
 * const server = await serve(config, { port: 3000 })
 * console.log(`listening on ${server.url}`)
 */
export async function serve(
  config: BacklexConfig,
  options: ServeOptions = {},
): Promise<NodeServer> {
  const env = options.env ?? process.env
  const port = parsePort(options.port ?? env.PORT ?? DEFAULT_PORT)
  const hostname = options.hostname ?? env.HOST ?? (config.dev ? '127.0.0.1' : '0.0.0.0')
  const shutdownTimeoutMs = options.shutdownTimeoutMs ?? 10_000

  const withDefaults = await withNodeDefaults(config, options)
  // Known once listening; plugins read it lazily (e.g. auth's links in dev without a baseURL).
  let listening: string | undefined
  const kernel = createBacklex({
    ...withDefaults,
    runtime: { ...(withDefaults.runtime ?? nodeRuntime), listenURL: () => listening },
  })
  await kernel.boot()
  const logger = kernel.get(Logger)

  const requestLog =
    options.requestLog === true
      ? (entry: RequestLogEntry) => process.stdout.write(`${formatRequestLine(entry)}\n`)
      : options.requestLog || undefined
  const server = createAdaptorServer({
    fetch: requestLog
      ? async (request: Request, bindings: unknown) => {
          const started = performance.now()
          const response = await kernel.fetch(request, bindings)
          requestLog({
            method: request.method,
            path: pathOf(request.url),
            status: response.status,
            ms: performance.now() - started,
          })
          return response
        }
      : (request: Request, bindings: unknown) => kernel.fetch(request, bindings),
    hostname,
  }) as Server
  const graceful = trackRequests(server)
  let address: Awaited<ReturnType<typeof listen>>
  try {
    address = await listen(server, port, hostname)
  } catch (error) {
    await kernel.shutdown()
    throw error
  }
  const url = urlOf(hostname, address.port)
  listening = url

  let closing: Promise<void> | undefined
  const close = () => {
    closing ??= (async () => {
      try {
        // Stop accepting first, then let plugins end their event streams: open streams are
        // in-flight requests that would otherwise hold the drain until its timeout.
        const drained = graceful.close(shutdownTimeoutMs)
        await kernel.drain()
        const { aborted } = await drained
        if (aborted > 0) {
          logger.warn('shutdown timeout: requests cut off', {
            aborted,
            timeoutMs: shutdownTimeoutMs,
          })
        }
        await kernel.shutdown()
      } finally {
        // Kept until now, so that a repeated signal during the drain does not kill the process.
        removeSignalHandlers()
      }
    })()
    return closing
  }

  const onSignal = (signal: NodeJS.Signals) => {
    // A repeated signal is ignored, not taken as "force": a terminal's Ctrl-C reaches every
    // process of the group, and npm, pnpm and `node --watch` forward it once more. The drain
    // timeout and the kernel's per-plugin timeouts bound the wait instead.
    if (closing) return
    logger.info('shutting down', { signal })
    close().then(
      () => process.exit(0),
      (error: unknown) => {
        logger.error('shutdown failed', {
          error: error instanceof Error ? error.message : String(error),
        })
        process.exit(1)
      },
    )
  }
  const signals: NodeJS.Signals[] = options.signals === false ? [] : ['SIGTERM', 'SIGINT']
  for (const signal of signals) process.on(signal, onSignal)
  function removeSignalHandlers() {
    for (const signal of signals) process.off(signal, onSignal)
  }

  logger.info('listening', { url, hostname, port: address.port })
  return { url, port: address.port, hostname, kernel, server, close }
}
