// Dispatches `backlex <command> [options]` and turns every failure into a message and an
// exit code: 0 success, 1 failure, 2 usage mistake.
import pkg from '../package.json' with { type: 'json' }
import { type Command, commandHelp, parseCommandArgs } from './command.js'
import { dev } from './commands/dev.js'
import { mcp } from './commands/mcp.js'
import { migrate } from './commands/migrate.js'
import { plugins } from './commands/plugins.js'
import { routes } from './commands/routes.js'
import { start } from './commands/start.js'
import { CliErrors, USAGE_CODES } from './errors.js'
import { detectPackageManager } from './package-manager.js'
import { formatError } from './report-error.js'

const commands: readonly Command[] = [dev, start, migrate, plugins, routes, mcp]

function mainHelp(): string {
  const width = Math.max(...commands.map((c) => c.name.length))
  return [
    'Usage: backlex <command> [options]',
    '',
    'Commands:',
    ...commands.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    '',
    'Options:',
    '  -h, --help     Show help (also `backlex <command> --help`)',
    '  -v, --version  Show the version',
    '',
    'The config is backlex.config.ts in the current directory (or --config <path>).',
    '',
  ].join('\n')
}

/**
 * Runs the CLI with `argv` (without `node` and the script). Resolves with the exit code,
 * or `'running'` while a server keeps the process alive.
 * @example
 * const code = await runCli(['routes', '--json'])
 */
export async function runCli(argv: readonly string[]): Promise<number | 'running'> {
  const [name, ...args] = argv
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(mainHelp())
    return 0
  }
  if (name === '--version' || name === '-v') {
    process.stdout.write(`${pkg.version}\n`)
    return 0
  }
  try {
    const command = commands.find((c) => c.name === name)
    if (!command) throw CliErrors.UNKNOWN_COMMAND(name)
    const values = parseCommandArgs(command, args)
    if (values.help) {
      process.stdout.write(commandHelp(command))
      return 0
    }
    return await command.run(values, args)
  } catch (error) {
    process.stderr.write(
      formatError(error, {
        verbose: args.includes('--verbose'),
        packageManager: detectPackageManager(process.cwd(), process.env),
      }),
    )
    const code = (error as { code?: unknown }).code
    return typeof code === 'string' && USAGE_CODES.has(code) ? 2 : 1
  }
}
