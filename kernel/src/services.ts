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
