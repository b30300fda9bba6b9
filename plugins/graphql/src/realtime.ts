// What GraphQL subscriptions use of @backlex/realtime when it is installed: item changes
// filtered per caller, typed from realtime's contract alone (`import type`), so graphql loads
// and type-checks without realtime. The id is checked against the contract in realtime.test.ts.
import { serviceRef } from '@backlex/kernel'
import type { Realtime as RealtimeToken } from '@backlex/realtime/contract'

export type { ItemChange, ItemChangeStream } from '@backlex/realtime/contract'

/** The Realtime service (`backlex.realtime`); optional: `use(Realtime)` may be undefined. */
export const Realtime = serviceRef<typeof RealtimeToken>('backlex.realtime')
