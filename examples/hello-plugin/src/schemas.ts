// The shapes of @acme/hello as zod schemas: its options and what its routes, tool and GraphQL
// fields accept and return. The contract's types are inferred from these (never written twice).
import { z } from 'zod'

export const helloOptions = z.object({
  /** The word a greeting starts with. */
  greeting: z.string().min(1).default('Hello'),
  /** Words no greeting may contain (case-insensitive). */
  bannedWords: z.array(z.string().min(1)).default(['spam']),
  /**
   * Deletes greetings older than `maxAgeMs`, every `everyMs`, from a timer the kernel starts
   * with the plugin and stops at shutdown. Off by default. On Workers a timer does not outlive
   * the request that set it: leave this off there and sweep from a cron trigger instead.
   */
  retention: z
    .object({
      maxAgeMs: z.number().int().positive(),
      everyMs: z
        .number()
        .int()
        .positive()
        .default(60 * 60 * 1000),
    })
    .optional(),
})

const notBlank = (max: number) => z.string().max(max).regex(/\S/, 'must not be blank')

/** What a caller sends to create a greeting; the message defaults to `"<greeting>, <name>!"`. */
export const greetingDraft = z.object({
  name: notBlank(64),
  message: notBlank(280).optional(),
})

/** A stored greeting, as the routes, the tool and the events carry it. */
export const greeting = z.object({
  id: z.string(),
  workspace: z.string(),
  name: z.string(),
  message: z.string(),
  createdAt: z.string(),
  announcedAt: z.string().nullable(),
})
