// The PubSub contract: fan-out of messages across every instance of a deployment.
import { defineService } from '../services.js'

export type PubSubHandler = (message: unknown) => void

export interface PubSubAdapter {
  /** Delivers `message` (JSON-serialisable) to every subscriber of `channel` on every instance, this one included. */
  publish(channel: string, message: unknown): Promise<void>
  /** Subscribes; resolves once the subscription is live, to a function that ends it. */
  subscribe(channel: string, handler: PubSubHandler): Promise<() => Promise<void>>
}

export const PubSub = defineService<PubSubAdapter>('backlex.pubsub')
