// Extension points: a plugin declares one, others contribute values to it, and the
// owner reads the contributions at boot. Contributing to an absent owner is a no-op.

/** A typed key for contributions of type `T`. */
export interface ExtensionPoint<T> {
  readonly kind: 'extension-point'
  readonly id: string
  readonly __type?: T
}

/**
 * Declares an extension point.
 * @example
 * export const Greetings = defineExtensionPoint<(name: string) => string>('acme.greetings')
 * // another plugin: ctx.contribute(Greetings, (name) => `Hi ${name}`)
 * // the owner, at boot: ctx.contributions(Greetings)
 */
export function defineExtensionPoint<T>(id: string): ExtensionPoint<T> {
  if (!/^[a-z][a-z0-9._-]*$/i.test(id)) throw new TypeError(`Invalid extension point id "${id}"`)
  return { kind: 'extension-point', id }
}
