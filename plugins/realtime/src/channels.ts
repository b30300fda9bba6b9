// Channel names: `items:<collection>`, `presence:<name>`, `collections`, and free-form names.

export type Channel =
  | { kind: 'items'; name: string; collection: string }
  | { kind: 'presence'; name: string; room: string }
  | { kind: 'collections'; name: 'collections' }
  | { kind: 'free'; name: string }

/** Collection slugs, as the collections plugin validates them. */
const SLUG = /^[a-z][a-z0-9_]{0,62}$/
/** Free-form channel and presence room names. */
export const CHANNEL_NAME = /^[a-z0-9][a-z0-9_.-]{0,63}$/

/**
 * Reads a channel name from a URL segment; undefined when it is not one.
 * @example
 * parseChannel('items:articles') // { kind: 'items', name: 'items:articles', collection: 'articles' }
 * parseChannel('chat.lobby') // { kind: 'free', name: 'chat.lobby' }
 */
export function parseChannel(name: string): Channel | undefined {
  if (name === 'collections') return { kind: 'collections', name }
  if (name.startsWith('items:')) {
    const collection = name.slice('items:'.length)
    return SLUG.test(collection) ? { kind: 'items', name, collection } : undefined
  }
  if (name.startsWith('presence:')) {
    const room = name.slice('presence:'.length)
    return CHANNEL_NAME.test(room) ? { kind: 'presence', name, room } : undefined
  }
  return CHANNEL_NAME.test(name) ? { kind: 'free', name } : undefined
}

/** The PubSub topic of a logged channel. */
export const feedTopic = (workspace: string, channel: string) =>
  `backlex.realtime/${workspace}/${channel}`

/** The PubSub topic of a presence room. */
export const presenceTopic = (workspace: string, room: string) =>
  `backlex.realtime.presence/${workspace}/${room}`
