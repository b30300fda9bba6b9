// `backlex start`: the production server.
import { type Command, configOption, serverOptions } from '../command.js'
import { parentCommands, signalSwallowingRunner } from '../package-manager.js'
import { startServer } from './server.js'

/**
 * A form that receives the orchestrator's SIGTERM itself (checked with real processes: npm links
 * the binary, pnpm's shim `exec`s node), as docs/deploy-node.md recommends.
 */
export const EXEC_FORM = './node_modules/.bin/backlex start'

export const start: Command = {
  name: 'start',
  summary: 'Start the production server',
  description: [
    'Starts the server for production (NODE_ENV=production unless set). Migrations do not',
    'run at boot unless the config sets `migrateOnBoot: true`: run `backlex migrate` first.',
    'SIGTERM and SIGINT stop it gracefully: in-flight requests finish, then plugins shut down.',
    `Run it as \`${EXEC_FORM}\` under an orchestrator: npx and npm scripts do not pass SIGTERM on.`,
  ].join('\n'),
  options: { ...configOption, ...serverOptions },
  run: (values) => {
    const runner = signalSwallowingRunner(process.env, parentCommands())
    if (runner) {
      process.stderr.write(
        `backlex: warning: started through ${runner}, which does not pass SIGTERM on: a stop would end ${runner} and leave the server running without a graceful shutdown. Run \`${EXEC_FORM}\` instead (or \`exec\` it from a shell script).\n`,
      )
    }
    return startServer(values, 'start')
  },
}
