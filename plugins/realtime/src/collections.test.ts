// The refs realtime names collections' service and events by match collections' contract.
import * as contract from '@backlex/collections/contract'
import { describe, expect, it } from 'vitest'
import {
  Collections,
  Items,
  ItemsCommitting,
  ItemsCreated,
  ItemsDeleted,
  ItemsUpdated,
} from './collections.js'

describe('collections refs', () => {
  it('name the services of @backlex/collections/contract', () => {
    expect(Collections.id).toBe(contract.Collections.id)
    expect(Items.id).toBe(contract.Items.id)
  })

  it('name its items events', () => {
    expect(ItemsCommitting.name).toBe(contract.ItemsCommitting.name)
    expect(ItemsCreated.name).toBe(contract.ItemsCreated.name)
    expect(ItemsUpdated.name).toBe(contract.ItemsUpdated.name)
    expect(ItemsDeleted.name).toBe(contract.ItemsDeleted.name)
  })
})
