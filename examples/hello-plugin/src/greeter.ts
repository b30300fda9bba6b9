// The Greeter service's implementation. The kernel makes one instance per app from
// `createGreeter` and runs its lifecycle: `start` at the plugin's boot (the retention sweeper's
// timer, when configured), `stop` at shutdown (the timer cleared, a running sweep awaited).
import type { ClockAdapter, DatabaseAdapter, EventBus, LoggerAdapter } from '@backlex/kernel'
import {
  type Greeter,
  type Greeting,
  GreetingCreate,
  GreetingCreated,
  type HelloOptions,
} from './contract.js'
import { GREETINGS_TABLE } from './migrations.js'

// Kept for graphql.ts, which imports these from here.
export { Greeter, type Greeting, type GreetingDraft } from './contract.js'
export { greeting, greetingDraft } from './schemas.js'

/** What the Greeter is made from: services the plugin declared, read in the factory. */
export interface GreeterDeps {
  database: DatabaseAdapter
  clock: ClockAdapter
  events: EventBus
  logger: LoggerAdapter
}

/** The instance the kernel holds: the Greeter, plus what its lifecycle calls. */
export interface GreeterInstance extends Greeter {
  /** Deletes greetings older than the retention's `maxAgeMs`; resolves to how many. */
  sweep(): Promise<number>
  /** Starts the retention timer (nothing without `retention`). */
  start(): void
  /** Clears the timer and waits for a sweep in progress. */
  stop(): Promise<void>
}

interface GreetingRow {
  id: string
  workspace: string
  name: string
  message: string
  created_at: string
  announced_at: string | null
}

const fromRow = (row: GreetingRow): Greeting => ({
  id: row.id,
  workspace: row.workspace,
  name: row.name,
  message: row.message,
  createdAt: row.created_at,
  announcedAt: row.announced_at,
})

/**
 * Builds the Greeter of one app.
 * @example
 * ctx.provide(Greeter, (boot) => createGreeter({ database: boot.use(Database), ... }, options),
 *   { start: (greeter) => greeter.start(), stop: (greeter) => greeter.stop() })
 */
export function createGreeter(deps: GreeterDeps, options: HelloOptions): GreeterInstance {
  const { database, clock, events, logger } = deps
  const { db } = database
  const greet = (name: string) => `${options.greeting}, ${name}!`
  let timer: ReturnType<typeof setInterval> | undefined
  let sweeping: Promise<number> | undefined

  const sweep = async (): Promise<number> => {
    const { retention } = options
    if (retention === undefined) return 0
    // ISO strings of one format sort like the times they stand for.
    const cutoff = new Date(clock.now().getTime() - retention.maxAgeMs).toISOString()
    const result = await db
      .deleteFrom(GREETINGS_TABLE)
      .where('created_at', '<', cutoff)
      .executeTakeFirst()
    const count = Number(result.numDeletedRows)
    if (count > 0) logger.info('greetings swept', { count, before: cutoff })
    return count
  }

  return {
    greet,
    async create(draft, meta) {
      const screened = await events.filter(GreetingCreate, draft, meta)
      const row: GreetingRow = {
        id: crypto.randomUUID(),
        workspace: meta.workspace,
        name: screened.name,
        message: screened.message ?? greet(screened.name),
        created_at: clock.now().toISOString(),
        announced_at: null,
      }
      await db.insertInto(GREETINGS_TABLE).values(row).execute()
      const stored = fromRow(row)
      events.emit(GreetingCreated, stored, meta)
      return stored
    },
    async find(id, workspace) {
      // The Database's Kysely is untyped (tables appear at runtime): name the row type here.
      const row = (await db
        .selectFrom(GREETINGS_TABLE)
        .selectAll()
        .where('id', '=', id)
        .where('workspace', '=', workspace)
        .executeTakeFirst()) as GreetingRow | undefined
      return row && fromRow(row)
    },
    async announce(stored) {
      await db
        .updateTable(GREETINGS_TABLE)
        .set({ announced_at: clock.now().toISOString() })
        .where('id', '=', stored.id)
        .execute()
      logger.info('greeting announced', { id: stored.id, name: stored.name })
    },
    sweep,
    start() {
      if (options.retention === undefined || timer !== undefined) return
      timer = setInterval(() => {
        // One sweep at a time; a failure is logged and the next tick tries again.
        sweeping ??= sweep()
          .catch((error: unknown) => {
            logger.error('greetings sweep failed', {
              error: error instanceof Error ? error.message : String(error),
            })
            return 0
          })
          .finally(() => {
            sweeping = undefined
          })
      }, options.retention.everyMs)
      // On Node, the timer alone does not keep the process alive.
      ;(timer as { unref?: () => void }).unref?.()
    },
    async stop() {
      clearInterval(timer)
      timer = undefined
      await sweeping
    },
  }
}
