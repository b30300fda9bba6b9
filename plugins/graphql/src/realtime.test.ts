// The realtime integration names realtime's own token: a renamed id would silently turn
// subscriptions off.
import { Realtime as RealtimeToken } from '@backlex/realtime/contract'
import { expect, it } from 'vitest'
import { Realtime } from './realtime.js'

it('refers to the Realtime service of @backlex/realtime by its id', () => {
  expect(Realtime).toEqual(RealtimeToken)
})
