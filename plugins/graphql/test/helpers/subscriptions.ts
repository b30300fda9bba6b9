// A GraphQL subscription through the real graphql-sse client (distinct connections mode, its
// default), recording every result; it resolves once the server accepted the stream (by then
// the subscription has joined its channel, so later writes reach it).
import type { Principal } from '@backlex/kernel'
import { createClient, type ExecutionResult } from 'graphql-sse'
import { PRINCIPAL_HEADER } from './server.js'

export class Subscription {
  readonly results: ExecutionResult<Record<string, unknown>, unknown>[] = []
  completed = false
  error: unknown
  private waiters: (() => void)[] = []
  private dispose: () => void = () => {}

  static async open(
    url: string,
    query: string,
    variables?: Record<string, unknown>,
    as?: Partial<Principal>,
  ): Promise<Subscription> {
    const subscription = new Subscription()
    const client = createClient({
      url,
      headers: as ? { [PRINCIPAL_HEADER]: JSON.stringify(as) } : {},
      // A refused or broken stream is an error here, not a retry.
      retryAttempts: 0,
    })
    await new Promise<void>((started) => {
      subscription.dispose = client.subscribe<Record<string, unknown>>(
        { query, ...(variables ? { variables } : {}) },
        {
          next: (result) => {
            subscription.results.push(result)
            subscription.notify()
            started()
          },
          error: (error) => {
            subscription.error = error
            subscription.notify()
            started()
          },
          complete: () => {
            subscription.completed = true
            subscription.notify()
            started()
          },
        },
        { connected: () => started() },
      )
    })
    const close = subscription.dispose
    subscription.dispose = () => {
      close()
      client.dispose()
    }
    return subscription
  }

  private notify() {
    for (const w of this.waiters.splice(0)) w()
  }

  /** The `data` of each result so far, under `field`. */
  of<T = Record<string, unknown>>(field: string): T[] {
    return this.results.flatMap((r) => (r.data?.[field] ? [r.data[field] as T] : []))
  }

  /** Waits until `check` holds (re-checked after every result), failing after `ms`. */
  async until(check: () => boolean, what: string, ms = 5000): Promise<void> {
    const deadline = Date.now() + ms
    while (!check()) {
      const left = deadline - Date.now()
      if (left <= 0) {
        throw new Error(
          `timed out waiting for ${what}; got ${JSON.stringify({ results: this.results, completed: this.completed, error: String(this.error ?? '') })}`,
        )
      }
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, Math.min(left, 100))
        this.waiters.push(() => {
          clearTimeout(timer)
          resolve()
        })
      })
    }
  }

  /** The error codes of every result so far. */
  codes(): (string | undefined)[] {
    return this.results.flatMap((r) =>
      (r.errors ?? []).map((e) => (e.extensions as { code?: string } | undefined)?.code),
    )
  }

  close(): void {
    this.dispose()
  }
}
