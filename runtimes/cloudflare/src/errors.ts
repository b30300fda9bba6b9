// Every way @backlex/cloudflare can fail.
import { BacklexError } from '@backlex/kernel'

export const CloudflareErrors = {
  D1_NO_TRANSACTIONS: () =>
    new BacklexError(
      'D1_NO_TRANSACTIONS',
      500,
      'D1 has no interactive transactions: check `database.capabilities.transactions` before calling db.transaction(), and group writes that must commit together with `batch()` of the D1 adapter.',
    ),
  D1_BINDING_MISSING: (binding: string) =>
    new BacklexError(
      'D1_BINDING_MISSING',
      500,
      `The Worker has no D1 binding named "${binding}": add [[d1_databases]] with binding = "${binding}" to wrangler.toml, or name another binding.`,
      { binding },
    ),
  D1_NO_ENV: (binding: string) =>
    new BacklexError(
      'D1_NO_ENV',
      500,
      `d1({ binding: "${binding}" }) looks the binding up in the Worker's env, which only createWorker() provides; outside a Worker pass the D1 object itself: d1({ binding: env.${binding} }).`,
      { binding },
    ),
  D1_MIGRATION_LOCKED: (table: string, waitedMs: number) =>
    new BacklexError(
      'D1_MIGRATION_LOCKED',
      500,
      `Another isolate holds the migration lock in "${table}"; gave up after ${waitedMs} ms.`,
      { table, waitedMs },
    ),
  NO_DATABASE_BINDING: (plugin: string, binding: string) =>
    new BacklexError(
      'CLOUDFLARE_NO_DATABASE',
      500,
      `Plugin "${plugin}" needs a Database, but the config names none and the Worker has no D1 binding "${binding}": bind a D1 database as "${binding}" in wrangler.toml, or add a Database plugin to the config.`,
      { plugin, binding },
    ),
  WORKER_CONFIG_FAILED: (cause: unknown) =>
    new BacklexError(
      'CLOUDFLARE_CONFIG_FAILED',
      500,
      `The Worker's backlex config could not be built: ${cause instanceof Error ? cause.message : String(cause)}`,
    ),
} as const

export type CloudflareErrorCode = ReturnType<
  (typeof CloudflareErrors)[keyof typeof CloudflareErrors]
>['code']
