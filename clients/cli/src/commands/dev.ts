// `backlex dev`: serves with migrations at boot and restarts when the config or any file it
// imports changes. Node's own watch mode does the watching: it follows the real module graph.
import { spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { type Command, configOption, serverOptions } from '../command.js'
import { findConfig } from '../load-config.js'
import { startServer } from './server.js'

/** Set in the process that `node --watch` restarts, so that it serves instead of watching. */
const WATCHED = 'BACKLEX_DEV_WATCHED'

export const dev: Command = {
  name: 'dev',
  summary: 'Start a development server that restarts when files change',
  description: [
    'Starts the server in development mode: pending migrations are applied at boot, logs',
    'include debug lines, and the server restarts when the config or a file it imports',
    'changes. After an error it waits for the next change.',
  ].join('\n'),
  options: { ...configOption, ...serverOptions },
  async run(values, args) {
    if (process.env[WATCHED] === '1') return startServer(values, 'dev')
    // Fail now with a clear message, rather than in a watcher that waits for changes.
    await findConfig(process.cwd(), typeof values.config === 'string' ? values.config : undefined)
    const cli = fileURLToPath(new URL('./cli.js', import.meta.url))
    const watcher = spawn(
      process.execPath,
      ['--watch', '--watch-preserve-output', cli, 'dev', ...args],
      { stdio: 'inherit', env: { ...process.env, [WATCHED]: '1' } },
    )
    // The watcher passes signals on to the server and exits with its code.
    const forward = (signal: NodeJS.Signals) => watcher.kill(signal)
    process.on('SIGINT', forward)
    process.on('SIGTERM', forward)
    return new Promise((resolve) => {
      watcher.once('exit', (code) => resolve(code ?? 1))
    })
  },
}
