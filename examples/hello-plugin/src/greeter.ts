// The Greeter service: what other plugins (and the plugin's own routes, tool and hooks) use.
import { type BootContext, Clock, Database, defineService, type EventMeta } from '@backlex/kernel'
import { z } from 'zod'
import { GREETINGS_TABLE } from './migrations.js'

/** Names of the events this plugin fires; other plugins may hook them too. */
export const HelloEvents = {
  /** Filter: `GreetingDraft` before it is stored; change it or throw to reject it. */
  create: 'hello.greeting.create',
  /** Action: the stored `Greeting`, after the insert. */
  created: 'hello.greeting.created',
} as const

export const helloOptions = z.object({
  /** The word a greeting starts with. */
  greeting: z.string().min(1).default('Hello'),
  /** Words no greeting may contain (case-insensitive). */
  bannedWords: z.array(z.string().min(1)).default(['spam']),
})

export type HelloOptions = z.output<typeof helloOptions>

const notBlank = (max: number) => z.string().max(max).regex(/\S/, 'must not be blank')

/** What a caller sends to create a greeting; the message defaults to `"<greeting>, <name>!"`. */
export const greetingDraft = z.object({
  name: notBlank(64),
  message: notBlank(280).optional(),
})

export type GreetingDraft = z.output<typeof greetingDraft>

export const greeting = z.object({
  id: z.string(),
  workspace: z.string(),
  name: z.string(),
  message: z.string(),
  createdAt: z.string(),
  announcedAt: z.string().nullable(),
})

export type Greeting = z.output<typeof greeting>

export interface Greeter {
  /** A greeting for `name`, e.g. `Hello, Ada!`. */
  greet(name: string): string
  /** Runs the `hello.greeting.create` filters, stores the greeting, fires `hello.greeting.created`. */
  create(draft: GreetingDraft, meta: EventMeta): Promise<Greeting>
  /** A stored greeting of `workspace`, or undefined. */
  find(id: string, workspace: string): Promise<Greeting | undefined>
  /** Marks a greeting as announced (what the action hook does). */
  announce(greeting: Greeting): Promise<void>
}

/**
 * The Greeter service token; other plugins put it in `requires` and call `ctx.get(Greeter)`.
 * @example
 * const text = app.get(Greeter).greet('Ada') // 'Hello, Ada!'
 */
export const Greeter = defineService<Greeter>('acme.hello.greeter')

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

/** Builds the Greeter from the services the plugin declared in `requires`. */
export function createGreeter(ctx: BootContext, options: HelloOptions): Greeter {
  const { db } = ctx.get(Database)
  const clock = ctx.get(Clock)
  const events = ctx.kernel.events
  const greet = (name: string) => `${options.greeting}, ${name}!`
  return {
    greet,
    async create(draft, meta) {
      const screened = await events.filter(HelloEvents.create, draft, meta)
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
      events.emit(HelloEvents.created, stored, meta)
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
      ctx.logger.info('greeting announced', { id: stored.id, name: stored.name })
    },
  }
}
