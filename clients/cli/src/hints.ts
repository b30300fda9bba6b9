// What to do about each error code a command can end with, in the user's words. The
// kernel's messages say what went wrong; these say how to fix it.
import type { BacklexError } from '@backlex/kernel'
import { installCommand, type PackageManager } from './package-manager.js'

/** What a hint may use besides the error: the project's package manager, for install commands. */
export interface HintContext {
  packageManager: PackageManager
}

type Hint = (details: Record<string, unknown>, context: HintContext) => string

/**
 * The packages that provide well-known services, by service id (the first is the usual one).
 * @example
 * SERVICE_PACKAGES['backlex.permissions'] // ['@backlex/permissions']
 */
export const SERVICE_PACKAGES: Readonly<Record<string, readonly string[]>> = {
  'backlex.database': ['@backlex/sqlite', '@backlex/postgres'],
  'backlex.permissions': ['@backlex/permissions'],
  'backlex.collections': ['@backlex/collections'],
  'backlex.items': ['@backlex/collections'],
  'backlex.activity': ['@backlex/activity'],
  'backlex.auth': ['@backlex/auth'],
  'backlex.email': ['@backlex/email'],
  'backlex.realtime': ['@backlex/realtime'],
}

/** Advice for a missing service: install and add its package when a known one provides it. */
const missingProvider: Hint = (d, { packageManager }) => {
  const packages = SERVICE_PACKAGES[String(d.service)]
  const first = packages?.[0]
  if (!packages || first === undefined) {
    return `Add a plugin that provides ${q(d.service)} to \`plugins\` in your config, or remove ${q(d.plugin)}.`
  }
  const install = packages
    .map((name) => `\`${installCommand(packageManager, [name])}\``)
    .join(' or ')
  const which = packages.length === 1 ? first : packages.join(' or ')
  return `${which} provides it: install it (${install}) and add its plugin to \`plugins\` in your config, or remove ${q(d.plugin)}.`
}

/** The package a failed import names, e.g. `Cannot find package '@backlex/x' imported from`. */
const missingPackage = (message: unknown) =>
  /Cannot find package '((?:@[^/']+\/)?[^/']+)/.exec(String(message ?? ''))?.[1]

const q = (value: unknown) => `"${String(value)}"`
const pluginBug: Hint = (d) =>
  `This is a bug in plugin ${q(d.plugin)}: update it, or report it to its authors.`

const configLoadHint =
  'Fix the error in the config or in a file it imports; run again with --verbose for the stack trace.'
const strippedOnly =
  'Node strips TypeScript types but does not compile TypeScript-only syntax: replace enums, namespaces and constructor parameter properties with plain code.'
/** Causes of a failed config import, by Node's error code. */
const configLoadHints: Record<string, Hint> = {
  ERR_UNSUPPORTED_TYPESCRIPT_SYNTAX: () => strippedOnly,
  ERR_MODULE_NOT_FOUND: (d, { packageManager }) => {
    const name = missingPackage(d.message)
    return name
      ? `Install it (\`${installCommand(packageManager, [name])}\`), or fix the import's name.`
      : 'Write imports of your own TypeScript files with their extension (`./plugin.ts`), and check the path.'
  },
  ERR_UNSUPPORTED_NODE_MODULES_TYPE_STRIPPING: () =>
    'Node does not strip types of TypeScript files inside node_modules: import the package’s built JavaScript instead.',
}

const hints: Record<string, Hint> = {
  MISSING_PROVIDER: missingProvider,
  DUPLICATE_PROVIDER: (d) =>
    `Keep only one of ${q(d.plugin)} and ${q(d.other)} in \`plugins\`: each service has one provider.`,
  DEPENDENCY_CYCLE: () =>
    'Break the cycle: one of these plugins has to list the other’s service in `optional` instead of `requires`, or be removed.',
  DUPLICATE_PLUGIN: (d) => `Remove the second ${q(d.plugin)} from \`plugins\` in your config.`,
  DUPLICATE_ROUTE: (d) =>
    `Remove one of ${q(d.plugin)} and ${q(d.other)}, or change the path one of them mounts at.`,
  DUPLICATE_TOOL: (d) => `Remove one of ${q(d.plugin)} and ${q(d.other)} from \`plugins\`.`,
  INVALID_PLUGIN: (d) =>
    `Check the entry for ${q(d.plugin)} in \`plugins\`: each entry is a plugin factory called with its options, e.g. \`hello()\`.`,
  INVALID_PLUGIN_OPTIONS: (d) => `Fix the options given to ${q(d.plugin)} in your config.`,
  KERNEL_VERSION_MISMATCH: (d) =>
    `Install a version of ${q(d.plugin)} made for kernel ${String(d.actual)}, or a @backlex/kernel in ${String(d.range)}.`,
  MISSING_CAPABILITY: (d) =>
    `Remove ${q(d.plugin)}, or deploy to a runtime that has the ${q(d.capability)} capability.`,
  BOOT_TIMEOUT: (d) =>
    `Check that what ${q(d.plugin)} connects to at boot (database, network) is reachable, or raise \`bootTimeoutMs\` in your config.`,
  BOOT_FAILED: (d) =>
    `Check the settings of ${q(d.plugin)} and what it connects to; run again with --verbose for details.`,
  MIGRATION_FAILED: (d) =>
    `Fix migration ${q(d.migration)} of ${q(d.plugin)}, then run \`backlex migrate\` again; \`backlex migrate --status\` shows what has run.`,
  NO_DATABASE: (_d, { packageManager }) =>
    `Add a Database plugin to \`plugins\`: @backlex/sqlite (\`${installCommand(packageManager, ['@backlex/sqlite'])}\`) or @backlex/postgres.`,
  SERVICE_NOT_DECLARED: pluginBug,
  REGISTER_PHASE_ONLY: pluginBug,
  SERVICE_UNAVAILABLE: () => 'Add a plugin that provides this service to `plugins` in your config.',
  NODE_ADDRESS_IN_USE: () =>
    'Stop the other process, or pick another port with --port (or the PORT variable).',
  NODE_INVALID_PORT: () => 'Give --port (or the PORT variable) a number from 0 to 65535.',
  NODE_LISTEN_FAILED: () => 'Check --host (or the HOST variable) and --port.',
  POSTGRES_NO_CONNECTION_STRING: () =>
    'Set DATABASE_URL, or give postgres() a connectionString in your config.',
  CLI_CONFIG_NOT_FOUND: () =>
    'Run the command in your project’s directory, create a backlex.config.ts that does `export default defineConfig({ plugins: [] })`, or pass --config <path>.',
  CLI_CONFIG_LOAD_FAILED: (d, context) =>
    configLoadHints[String(d.cause)]?.(d, context) ?? configLoadHint,
  CLI_CONFIG_INVALID: () =>
    "The config must `export default defineConfig({ plugins: [...] })`, with defineConfig from '@backlex/kernel'.",
  CLI_TYPESCRIPT_UNSUPPORTED: () =>
    'Use Node 22.18 or newer (it loads TypeScript itself), or write the config as backlex.config.js.',
  CLI_UNKNOWN_COMMAND: () => 'Run `backlex --help` for the list of commands.',
  CLI_INVALID_ARGUMENTS: (d) => `Run \`backlex ${String(d.command)} --help\` for its options.`,
}

/**
 * What to do about an error, or undefined for codes without advice.
 * @example
 * hintFor(NodeErrors.ADDRESS_IN_USE('0.0.0.0', 3000)) // 'Stop the other process, or ...'
 */
export function hintFor(
  error: BacklexError,
  context: HintContext = { packageManager: 'npm' },
): string | undefined {
  return hints[error.code]?.(error.details ?? {}, context)
}
