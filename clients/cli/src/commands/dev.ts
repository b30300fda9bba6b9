// `backlex dev`: serves with migrations at boot and restarts when the config or any file it
// imports changes. A supervisor process runs the server in a child that reports every file it
// loads (the real module graph), and restarts it on a change (see dev/supervisor.ts).
import { fileURLToPath } from 'node:url'
import { type Command, configOption, serverOptions } from '../command.js'
import { flushReports, SUPERVISED_ENV } from '../dev/protocol.js'
import { superviseDev } from '../dev/supervisor.js'
import { findConfig } from '../load-config.js'
import { startServer } from './server.js'

export const dev: Command = {
  name: 'dev',
  summary: 'Start a development server that restarts when files change',
  description: [
    'Starts the server in development mode: pending migrations are applied at boot, requests',
    'are logged, and the server restarts when the config or a file it imports changes. After',
    'an error it waits for the next change.',
  ].join('\n'),
  options: { ...configOption, ...serverOptions },
  async run(values, args) {
    if (process.env[SUPERVISED_ENV] === '1') {
      // The supervisor going away (killed) ends the server too, gracefully.
      process.once('disconnect', () => process.kill(process.pid, 'SIGTERM'))
      try {
        return await startServer(values, 'dev')
      } catch (error) {
        // The process exits right after reporting the error: let the supervisor hear of every
        // file it loaded first, so that fixing one of them restarts it.
        await flushReports()
        throw error
      }
    }
    // Fail now with a clear message, rather than in a supervisor that waits for changes.
    await findConfig(process.cwd(), typeof values.config === 'string' ? values.config : undefined)
    return superviseDev({
      entry: fileURLToPath(new URL('./cli.js', import.meta.url)),
      reporter: new URL('./report-loaded.js', import.meta.url).href,
      args: ['dev', ...args],
    })
  },
}
