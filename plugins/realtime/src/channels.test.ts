// Channel names: which kind each name is, and which names are refused.
import { describe, expect, it } from 'vitest'
import { parseChannel } from './channels.js'

describe('parseChannel', () => {
  it('tells the kinds apart', () => {
    expect(parseChannel('items:posts')).toEqual({
      kind: 'items',
      name: 'items:posts',
      collection: 'posts',
    })
    expect(parseChannel('presence:lobby.1')).toEqual({
      kind: 'presence',
      name: 'presence:lobby.1',
      room: 'lobby.1',
    })
    expect(parseChannel('collections')).toEqual({ kind: 'collections', name: 'collections' })
    expect(parseChannel('chat_room-1.a')).toEqual({ kind: 'free', name: 'chat_room-1.a' })
  })

  it('refuses what is not a channel', () => {
    for (const name of [
      '',
      'Chat',
      'items:',
      'items:Posts',
      'items:1a',
      'presence:',
      'a b',
      'x'.repeat(65),
      '.hidden',
      'other:thing',
    ]) {
      expect([name, parseChannel(name)]).toEqual([name, undefined])
    }
  })
})
