// Every way @backlex/node can fail, in one place. Codes are stable; messages are for people.
import { BacklexError } from '@backlex/kernel'

/**
 * The errors `serve()` rejects with (besides the kernel's own boot errors).
 * @example
 * await serve(config).catch((e) => { if (e.code === 'NODE_ADDRESS_IN_USE') process.exit(2) })
 */
export const NodeErrors = {
  INVALID_PORT: (value: string) =>
    new BacklexError(
      'NODE_INVALID_PORT',
      500,
      `"${value}" is not a valid port: use an integer from 0 to 65535 (0 picks a free port).`,
      { value },
    ),
  ADDRESS_IN_USE: (hostname: string, port: number) =>
    new BacklexError(
      'NODE_ADDRESS_IN_USE',
      500,
      `Cannot listen on ${hostname}:${port}: another process already uses this port.`,
      { hostname, port },
    ),
  LISTEN_FAILED: (hostname: string, port: number, cause: unknown) =>
    new BacklexError(
      'NODE_LISTEN_FAILED',
      500,
      `Cannot listen on ${hostname}:${port}: ${cause instanceof Error ? cause.message : String(cause)}`,
      { hostname, port },
    ),
} as const

/** Every code @backlex/node can fail with. */
export type NodeErrorCode = ReturnType<(typeof NodeErrors)[keyof typeof NodeErrors]>['code']
