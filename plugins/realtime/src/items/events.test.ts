// Item action payloads to log events: one per key, rows paired by position or primary key.
import { describe, expect, it } from 'vitest'
import { itemEvents } from './events.js'

describe('itemEvents', () => {
  it('makes one event per key, pairing rows by position', () => {
    expect(
      itemEvents('update', {
        collection: 'posts',
        keys: [1, 2],
        before: [
          { id: 1, n: 0 },
          { id: 2, n: 0 },
        ],
        after: [
          { id: 1, n: 1 },
          { id: 2, n: 1 },
        ],
      }),
    ).toEqual([
      { type: 'update', data: { key: 1, before: { id: 1, n: 0 }, after: { id: 1, n: 1 } } },
      { type: 'update', data: { key: 2, before: { id: 2, n: 0 }, after: { id: 2, n: 1 } } },
    ])
  })

  it('pairs by primary key when rows do not line up, and keeps only what each type needs', () => {
    expect(
      itemEvents('create', { collection: 'p', keys: ['a', 'b'], after: [{ pk: 'b' }] }, 'pk'),
    ).toEqual([
      { type: 'create', data: { key: 'a', after: null } },
      { type: 'create', data: { key: 'b', after: { pk: 'b' } } },
    ])
    expect(itemEvents('delete', { collection: 'p', keys: [3], before: { id: 3 } })).toEqual([
      { type: 'delete', data: { key: 3, before: { id: 3 } } },
    ])
    expect(itemEvents('delete', { collection: 'p', keys: [] })).toEqual([])
  })
})
