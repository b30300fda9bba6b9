// The Jobs contract: a durable queue with retries, and cron schedules.
import { defineService } from '../services.js'

export interface EnqueueOptions {
  /** Earliest time to run. */
  runAt?: Date
  /** Attempts before the job is marked failed. */
  maxAttempts?: number
  /** Idempotency key: a second enqueue with the same key is ignored. */
  key?: string
}

export type JobHandler = (payload: unknown, job: { id: string; attempt: number }) => Promise<void>

export interface JobsAdapter {
  enqueue(name: string, payload: unknown, options?: EnqueueOptions): Promise<{ id: string }>
  /** Runs `handler` for jobs named `name`. */
  handle(name: string, handler: JobHandler): void
  /** Enqueues `name` on a cron schedule, fired once per tick across all instances. */
  schedule(name: string, cron: string, payload?: unknown): Promise<void>
}

export const Jobs = defineService<JobsAdapter>('backlex.jobs')
