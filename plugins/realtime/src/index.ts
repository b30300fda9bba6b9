// @backlex/realtime: Server-Sent Events channels over the kernel's PubSub: item change feeds
// filtered per subscriber by the permissions DSL in process, schema events, presence and
// free-form channels, resumable from a durable event log.
export { type Channel, parseChannel } from './channels.js'
export {
  type ItemChange,
  type ItemChangeStream,
  type MessageSender,
  type PublishHookPayload,
  Realtime,
  type RealtimeCaller,
  RealtimePublish,
  type RealtimeService,
  RealtimeSubscribe,
  type SubscribeHookPayload,
  type SubscribeItemsOptions,
} from './contract.js'
export {
  type RealtimeErrorCode,
  RealtimeErrors,
  type StreamEndCode,
  StreamEndCodes,
} from './errors.js'
export type { ItemEventData } from './items/delivery.js'
export type { ItemsActionPayload } from './items/events.js'
export type { LoggedEvent } from './log/event-log.js'
export { CHANNELS_TABLE, EVENTS_TABLE } from './migrations.js'
export { type RealtimeOptions, realtimeOptions } from './options.js'
export { realtime } from './plugin.js'
export type { PresenceMember } from './presence/presence.js'
