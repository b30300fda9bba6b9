// Entry of the `backlex` executable (bin/backlex.js): runs a command, then exits with its code
// unless a server keeps running.
import module from 'node:module'

// Cache compiled code on disk (Node >= 22.1): boot time is mostly module loading, and
// this makes every start after the first faster. NODE_DISABLE_COMPILE_CACHE=1 turns it off.
module.enableCompileCache?.()

// Imported after the cache is on, so that the modules it pulls in are cached too.
const { runCli } = await import('./run.js')
const code = await runCli(process.argv.slice(2))
if (code !== 'running') {
  // Let piped output drain before exiting: plugins may leave timers that would keep us alive.
  process.stdout.write('', () => process.exit(code))
}
