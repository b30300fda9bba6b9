// The optional integration with @backlex/realtime: when an app installs it, every stored
// greeting is published on the `hello.greetings` channel. Nothing of @backlex/realtime is
// imported at runtime (only its contract's types), so an app without it loads this plugin.
import { serviceRef } from '@backlex/kernel'
import type { Realtime as RealtimeToken } from '@backlex/realtime/contract'

/**
 * The Realtime service, by the id of its token in `@backlex/realtime/contract` (a test checks
 * they agree). Listed in `optional`: `use(Realtime)` is undefined when realtime is absent.
 */
export const Realtime = serviceRef<typeof RealtimeToken>('backlex.realtime')

/** The free-form channel greetings are published on: `/api/realtime/hello.greetings/subscribe`. */
export const GREETINGS_CHANNEL = 'hello.greetings'
