// What GraphQL subscriptions use of @backlex/realtime, through its service id: item changes
// filtered per caller. Declared here (structurally) so graphql installs without realtime; with
// it installed, every readable collection gets a subscription field.
import { defineService, type Principal } from '@backlex/kernel'

/** One change of a row as the subscriber may see it (realtime's ItemChange). */
export interface RealtimeItemChange {
  type: 'create' | 'update' | 'delete' | 'leave'
  collection: string
  key: string | number
  /** The row after a create or update, limited to what the caller may read. */
  data?: Record<string, unknown>
  id: number
}

/** A subscription's changes; `principal` is the caller as last re-checked. */
export interface RealtimeItemChanges extends AsyncIterableIterator<RealtimeItemChange> {
  return(): Promise<IteratorResult<RealtimeItemChange>>
  readonly principal: Principal
}

/** The part of the Realtime service GraphQL uses. */
export interface RealtimeItemsSource {
  subscribeItems(
    caller: { workspace: string; principal: Principal; request?: Request },
    collection: string,
    options?: { filter?: Record<string, unknown>; signal?: AbortSignal },
  ): Promise<RealtimeItemChanges>
}

/** The Realtime service of @backlex/realtime (matched by id). */
export const RealtimeSourceToken = defineService<RealtimeItemsSource>('backlex.realtime')
