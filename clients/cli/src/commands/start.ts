// `backlex start`: the production server.
import { type Command, configOption, serverOptions } from '../command.js'
import { startServer } from './server.js'

export const start: Command = {
  name: 'start',
  summary: 'Start the production server',
  description: [
    'Starts the server for production (NODE_ENV=production unless set). Migrations do not',
    'run at boot unless the config sets `migrateOnBoot: true`: run `backlex migrate` first.',
    'SIGTERM and SIGINT stop it gracefully: in-flight requests finish, then plugins shut down.',
  ].join('\n'),
  options: { ...configOption, ...serverOptions },
  run: (values) => startServer(values, 'start'),
}
