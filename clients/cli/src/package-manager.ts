// Which package manager the user's project uses, so that advice names the right install
// command; and whether the CLI was started through one that does not pass signals on.
import { existsSync, readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'

export type PackageManager = 'npm' | 'pnpm' | 'yarn' | 'bun'

type Env = Readonly<Record<string, string | undefined>>

/** Lockfiles, in the order they are looked for in each directory. */
const LOCKFILES: readonly [string, PackageManager][] = [
  ['pnpm-lock.yaml', 'pnpm'],
  ['yarn.lock', 'yarn'],
  ['bun.lock', 'bun'],
  ['bun.lockb', 'bun'],
  ['package-lock.json', 'npm'],
  ['npm-shrinkwrap.json', 'npm'],
]

const fromUserAgent = (env: Env): PackageManager | undefined => {
  const name = env.npm_config_user_agent?.split('/')[0]
  return name === 'npm' || name === 'pnpm' || name === 'yarn' || name === 'bun' ? name : undefined
}

/**
 * The package manager of the project in `cwd`: the nearest lockfile (this directory or a
 * parent, as in a workspace), else the one running us (`npm_config_user_agent`), else npm.
 * @example
 * detectPackageManager(process.cwd(), process.env) // 'pnpm'
 */
export function detectPackageManager(cwd: string, env: Env = process.env): PackageManager {
  for (let dir = cwd; ; dir = dirname(dir)) {
    for (const [file, manager] of LOCKFILES) if (existsSync(join(dir, file))) return manager
    if (dirname(dir) === dir) break
  }
  return fromUserAgent(env) ?? 'npm'
}

/**
 * The command that adds `packages` to the project.
 * @example
 * installCommand('pnpm', ['@backlex/sqlite']) // 'pnpm add @backlex/sqlite'
 */
export function installCommand(manager: PackageManager, packages: readonly string[]): string {
  const verb = manager === 'npm' ? 'install' : 'add'
  return `${manager} ${verb} ${packages.join(' ')}`
}

/** Names a package manager's process goes by: its argv[0] (npm sets its title) or its script. */
const RUNNER_NAMES: Readonly<Record<string, PackageManager>> = {
  npm: 'npm',
  npx: 'npm',
  'npm-cli.js': 'npm',
  'npx-cli.js': 'npm',
  pnpm: 'pnpm',
  'pnpm.cjs': 'pnpm',
  'pnpm.js': 'pnpm',
  yarn: 'yarn',
  'yarn.js': 'yarn',
  'yarn.cjs': 'yarn',
  bun: 'bun',
}
const SHELLS = new Set(['sh', 'bash', 'dash', 'zsh'])
const base = (path: string) => path.slice(path.lastIndexOf('/') + 1)

/**
 * The command lines of this process's parent and grandparent (Linux, from /proc), closest
 * first; undefined where they cannot be read.
 */
export function parentCommands(): string[][] | undefined {
  const read = (path: string) => {
    try {
      return readFileSync(path, 'utf8')
    } catch {
      return undefined
    }
  }
  const commands: string[][] = []
  let pid = process.ppid
  for (let i = 0; i < 2 && pid > 1; i++) {
    const cmdline = read(`/proc/${pid}/cmdline`)
    const stat = read(`/proc/${pid}/stat`)
    if (cmdline === undefined || stat === undefined) return i === 0 ? undefined : commands
    // A process that sets its title (npm) shows it as one space-padded string.
    commands.push(cmdline.split(/[\0 ]+/).filter(Boolean))
    pid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1])
  }
  return commands
}

/**
 * The package manager the CLI runs under when it does not pass SIGTERM on to us, or undefined.
 * npm (`npx`, `npm exec`, `npm start`) never does, and neither do package scripts of the
 * others (`pnpm start`): an orchestrator's SIGTERM ends the package manager and leaves the
 * server running, without a graceful shutdown. `pnpm exec` passes it on. The variables are
 * inherited by every descendant, so where the parent processes can be read (`parents`, closest
 * first) the nearest one that is not a shell must be the package manager itself.
 * @example
 * signalSwallowingRunner({ npm_config_user_agent: 'npm/11.1.0 node/v24.1.0' }) // 'npm'
 */
export function signalSwallowingRunner(
  env: Env = process.env,
  parents: string[][] | undefined = undefined,
): PackageManager | undefined {
  const agent = fromUserAgent(env)
  const script = env.npm_lifecycle_event !== undefined && env.npm_lifecycle_event !== ''
  const runner = agent === 'npm' ? 'npm' : script ? (agent ?? 'npm') : undefined
  if (runner === undefined || parents === undefined) return runner
  const nearest = parents.find((argv) => !SHELLS.has(base(argv[0] ?? '')))
  if (!nearest) return undefined
  const named = nearest.slice(0, 2).map((arg) => RUNNER_NAMES[base(arg)])
  return named.find((name) => name !== undefined)
}
