// `backlex dev`'s supervisor: runs the server in a child process and restarts it when a file it
// loaded changes. The child reports each file with the hash of what it read; the supervisor
// watches the file's directory, then hashes the file itself, so a save that lands before the
// watch is armed (a busy machine, a save during a restart) still restarts the server.
import { type ChildProcess, spawn } from 'node:child_process'
import { createHash } from 'node:crypto'
import { type FSWatcher, watch } from 'node:fs'
import { readFile } from 'node:fs/promises'
import { dirname, join, relative } from 'node:path'
import { LOADED_MESSAGE, type LoadedFile, SUPERVISED_ENV } from './protocol.js'

export interface SuperviseOptions {
  /** The CLI's entry (`dist/cli.js`) and the arguments of the server command. */
  entry: string
  args: readonly string[]
  /** The module the child loads with `--import` to report its files (`report-loaded.js`). */
  reporter: string
  /** Changes closer together than this make one restart (default 50 ms). */
  debounceMs?: number
  /** Where the supervisor's own lines go (default stderr). */
  log?: (line: string) => void
}

const hashFile = (path: string) =>
  readFile(path).then(
    (content) => createHash('sha1').update(content).digest('hex'),
    () => null,
  )

const isLoaded = (message: unknown): message is Record<typeof LOADED_MESSAGE, LoadedFile> =>
  typeof message === 'object' && message !== null && LOADED_MESSAGE in message

/**
 * Runs `node --import <reporter> <entry> <args>` until SIGINT or SIGTERM, restarting it on
 * changes; resolves with the exit code for the supervisor.
 * @example
 * const code = await superviseDev({ entry: cliPath, args: ['dev'], reporter })
 */
export function superviseDev(options: SuperviseOptions): Promise<number> {
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`))
  const debounceMs = options.debounceMs ?? 50
  const shown = (path: string) => {
    const rel = relative(process.cwd(), path)
    return rel && !rel.startsWith('..') ? rel : path
  }

  /** Files of the running generation: a change to any of them restarts it. */
  let files = new Set<string>()
  const directories = new Map<string, FSWatcher>()
  let child: ChildProcess | undefined
  let exited: Promise<number | null> = Promise.resolve(null)
  let generation = 0
  let restarting: Promise<void> | undefined
  let pendingTrigger: string | undefined
  let debounce: NodeJS.Timeout | undefined
  let stopping = false

  const changed = (path: string) => {
    if (stopping || !files.has(path)) return
    pendingTrigger ??= path
    clearTimeout(debounce)
    debounce = setTimeout(() => {
      const trigger = pendingTrigger
      pendingTrigger = undefined
      if (trigger !== undefined) void restart(trigger)
    }, debounceMs)
  }

  const watchDirectory = (dir: string) => {
    if (directories.has(dir)) return
    try {
      const watcher = watch(dir, (_event, name) => {
        if (name === null) {
          for (const file of files) if (dirname(file) === dir) changed(file)
        } else changed(join(dir, name.toString()))
      })
      watcher.on('error', () => {
        watcher.close()
        directories.delete(dir)
      })
      directories.set(dir, watcher)
    } catch {
      // A directory that cannot be watched (gone, no permission): its files will not restart.
    }
  }

  const onLoaded = async (file: LoadedFile, of: number) => {
    if (of !== generation) return
    // Watch first, then compare: a save either happens after the watch (an event) or before
    // the comparison (a different hash); none falls between the two.
    watchDirectory(dirname(file.path))
    files.add(file.path)
    if ((await hashFile(file.path)) !== file.hash && of === generation) changed(file.path)
  }

  const start = () => {
    generation++
    const of = generation
    files = new Set()
    const started = spawn(
      process.execPath,
      // The supervisor's own Node flags (e.g. --enable-source-maps) carry over.
      [...process.execArgv, '--import', options.reporter, options.entry, ...options.args],
      {
        stdio: ['inherit', 'inherit', 'inherit', 'ipc'],
        env: { ...process.env, [SUPERVISED_ENV]: '1' },
      },
    )
    started.on('message', (message) => {
      if (isLoaded(message)) void onLoaded(message[LOADED_MESSAGE], of)
    })
    child = started
    exited = new Promise((resolve) => {
      started.once('exit', (code, signal) => {
        if (child === started) child = undefined
        if (!stopping && of === generation && !restarting) {
          log(
            code === 0
              ? 'backlex dev: the server stopped; waiting for a change to restart.'
              : `backlex dev: the server exited (${signal ?? `code ${code}`}); waiting for a change to restart.`,
          )
        }
        resolve(code)
      })
    })
  }

  const stopChild = async (signal: NodeJS.Signals) => {
    const running = child
    if (running && running.exitCode === null && running.signalCode === null) running.kill(signal)
    return exited
  }

  const restart = (trigger: string) => {
    if (stopping) return Promise.resolve()
    restarting ??= (async () => {
      // A new generation reports its own files; saves from here on are read by it, or caught
      // by the hash comparison when it reports them.
      files = new Set()
      generation++
      log(`backlex dev: ${shown(trigger)} changed, restarting.`)
      await stopChild('SIGTERM')
      restarting = undefined
      if (!stopping) start()
    })()
    return restarting
  }

  return new Promise((resolve) => {
    const stop = async (signal: NodeJS.Signals) => {
      if (stopping) return
      stopping = true
      clearTimeout(debounce)
      await restarting
      const wasRunning = child !== undefined
      const code = await stopChild(signal)
      for (const watcher of directories.values()) watcher.close()
      process.off('SIGINT', stop)
      process.off('SIGTERM', stop)
      // Waiting for a change after a failed start is not a failure of the stop.
      resolve(wasRunning ? (code ?? 1) : 0)
    }
    process.on('SIGINT', stop)
    process.on('SIGTERM', stop)
    start()
  })
}
