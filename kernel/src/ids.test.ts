// Sortable ids: UUID version 7 that keep their creation order, within a millisecond too.
import { expect, it } from 'vitest'
import { sortableId } from './ids.js'

it('makes version 7 UUIDs that sort in the order they were made, within one millisecond too', () => {
  const now = Date.now()
  const ids = Array.from({ length: 50 }, (_, i) => sortableId(now + (i < 25 ? 0 : 1)))
  for (const id of ids)
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/)
  expect([...ids].sort()).toEqual(ids)
  expect(new Set(ids).size).toBe(ids.length)
})
