// Typed service tokens: the registry keys plugins use to provide and consume services.

/** A typed key into the service registry. Matched by `id`, so duplicate package copies agree. */
export interface ServiceToken<T> {
  readonly kind: 'service'
  readonly id: string
  /** Phantom field carrying the service type; never set at runtime. */
  readonly __type?: T
}

/** The service type a token stands for. */
export type ServiceOf<Token> = Token extends ServiceToken<infer T> ? T : never

/**
 * Declares a service token.
 * @example
 * export interface Greeter { greet(name: string): string }
 * export const Greeter = defineService<Greeter>('acme.greeter')
 */
export function defineService<T>(id: string): ServiceToken<T> {
  if (!/^[a-z][a-z0-9._-]*$/i.test(id)) throw new TypeError(`Invalid service id "${id}"`)
  return { kind: 'service', id }
}

/**
 * The token of a service another package defines, by id and typed from that package's
 * contract through `import type`, for an optional integration: the providing package may be
 * absent at runtime (nothing of it is imported), and the id is checked against its token in
 * the consumer's tests.
 * @example
 * import type { Realtime as RealtimeToken } from '@backlex/realtime/contract'
 * const Realtime = serviceRef<typeof RealtimeToken>('backlex.realtime')
 * // definePlugin({ optional: [Realtime], ... }); ctx.use(Realtime)?.publish(...)
 */
export function serviceRef<Token extends ServiceToken<unknown>>(id: string): Token {
  return defineService(id) as Token
}
