// What other plugins build against (`@backlex/example-hello-plugin/contract`): the Greeter
// token and type, the typed events around a greeting, and the types of their payloads. No
// implementation: values come from @backlex/kernel only, everything else is `import type`.
import type { EventMeta } from '@backlex/kernel'
import { defineEvent, defineService } from '@backlex/kernel'
import type { z } from 'zod'
import type { greeting, greetingDraft, helloOptions } from './schemas.js'

/** The plugin's options as given to `hello(...)`. */
export type HelloOptionsInput = z.input<typeof helloOptions>
/** The plugin's options after validation, with their defaults. */
export type HelloOptions = z.output<typeof helloOptions>
/** What a caller sends to create a greeting. */
export type GreetingDraft = z.output<typeof greetingDraft>
/** A stored greeting. */
export type Greeting = z.output<typeof greeting>

export interface Greeter {
  /** A greeting for `name`, e.g. `Hello, Ada!`. */
  greet(name: string): string
  /** Runs the GreetingCreate filters, stores the greeting, emits GreetingCreated. */
  create(draft: GreetingDraft, meta: EventMeta): Promise<Greeting>
  /** A stored greeting of `workspace`, or undefined. */
  find(id: string, workspace: string): Promise<Greeting | undefined>
  /** Marks a greeting as announced (what the plugin's GreetingCreated hook does). */
  announce(greeting: Greeting): Promise<void>
}

/**
 * The Greeter service token: list it in `requires` (or `optional`) and call `ctx.use(Greeter)`.
 * @example
 * definePlugin({ name: '@acme/welcome', version: '1.0.0', requires: [Greeter],
 *   register(ctx) { ctx.tool(defineTool({ ..., handler: (tool, { name }) => tool.use(Greeter).greet(name) })) } })
 */
export const Greeter = defineService<Greeter>('acme.hello.greeter')

/**
 * Filter event: a draft before it is stored. Return it changed, or throw a BacklexError to
 * refuse it (the plugin's own hook trims it and refuses banned words).
 * @example
 * ctx.on.filter(GreetingCreate, (draft) => ({ ...draft, name: draft.name.toUpperCase() }))
 */
export const GreetingCreate = defineEvent<GreetingDraft>('hello.greeting.create')

/**
 * Action event: the stored greeting, after the insert (in the background, off the request).
 * @example
 * ctx.on.action(GreetingCreated, (greeting, hook) => hook.logger.info('greeted', { id: greeting.id }))
 */
export const GreetingCreated = defineEvent<Greeting>('hello.greeting.created')
