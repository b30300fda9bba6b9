// The listening side of serve(): bind a port with clear errors, and close gracefully by
// letting in-flight requests finish (up to a timeout) before dropping connections.
import type { Server, ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { NodeErrors } from './errors.js'

export interface DrainResult {
  /** Requests that were still running at the timeout and were cut off. */
  aborted: number
}

export interface GracefulClose {
  /** Stops accepting connections, waits for in-flight requests, then closes every socket. */
  close(timeoutMs: number): Promise<DrainResult>
}

/** Binds `server` to `hostname:port`; rejects with NODE_ADDRESS_IN_USE and friends. */
export function listen(server: Server, port: number, hostname: string): Promise<AddressInfo> {
  return new Promise((resolve, reject) => {
    const onError = (error: NodeJS.ErrnoException) => {
      server.off('listening', onListening)
      reject(
        error.code === 'EADDRINUSE'
          ? NodeErrors.ADDRESS_IN_USE(hostname, port)
          : NodeErrors.LISTEN_FAILED(hostname, port, error),
      )
    }
    const onListening = () => {
      server.off('error', onError)
      resolve(server.address() as AddressInfo)
    }
    server.once('error', onError)
    server.once('listening', onListening)
    server.listen(port, hostname)
  })
}

/** Tracks in-flight responses of a server (attach before it listens) so closing can wait. */
export function trackRequests(server: Server): GracefulClose {
  const inFlight = new Set<ServerResponse>()
  let closing = false
  let onIdle: (() => void) | undefined

  server.on('request', (_req, res: ServerResponse) => {
    inFlight.add(res)
    // A request that arrives on a kept-alive socket while draining is served, but its
    // socket is not kept for another one.
    if (closing) res.setHeader('connection', 'close')
    res.once('close', () => {
      inFlight.delete(res)
      if (closing) {
        server.closeIdleConnections()
        if (inFlight.size === 0) onIdle?.()
      }
    })
  })

  return {
    close(timeoutMs) {
      closing = true
      const closed = new Promise<void>((resolve) => server.close(() => resolve()))
      server.closeIdleConnections()
      const drained = new Promise<number>((resolve) => {
        if (inFlight.size === 0) return resolve(0)
        const timer = setTimeout(() => resolve(inFlight.size), timeoutMs)
        onIdle = () => {
          clearTimeout(timer)
          resolve(0)
        }
      })
      return drained.then(async (aborted) => {
        server.closeAllConnections()
        await closed
        return { aborted }
      })
    },
  }
}
