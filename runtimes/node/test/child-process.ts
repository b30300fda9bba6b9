// Runs a Node script as a child process and lets a test wait for lines of its output.
import { type ChildProcess, spawn } from 'node:child_process'
import { createInterface } from 'node:readline'

export interface RunningChild {
  child: ChildProcess
  /** Every line printed so far, stdout and stderr interleaved. */
  lines: string[]
  /** Resolves with the first line (past or future) that matches. */
  waitForLine(match: (line: string) => boolean): Promise<string>
  /** Resolves with the exit code (or the signal's name) once the process is gone. */
  exited: Promise<number | string>
}

export function runNode(args: string[], options: { cwd: string; env?: NodeJS.ProcessEnv }) {
  const child = spawn(process.execPath, args, {
    cwd: options.cwd,
    env: options.env ?? process.env,
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  const lines: string[] = []
  const waiters: { match: (line: string) => boolean; resolve: (line: string) => void }[] = []
  const onLine = (line: string) => {
    lines.push(line)
    for (const waiter of [...waiters]) {
      if (waiter.match(line)) {
        waiters.splice(waiters.indexOf(waiter), 1)
        waiter.resolve(line)
      }
    }
  }
  for (const stream of [child.stdout, child.stderr])
    createInterface({ input: stream }).on('line', onLine)
  const exited = new Promise<number | string>((resolve) =>
    child.once('exit', (code, signal) => resolve(code ?? signal ?? -1)),
  )
  const running: RunningChild = {
    child,
    lines,
    waitForLine(match) {
      const seen = lines.find(match)
      if (seen !== undefined) return Promise.resolve(seen)
      return new Promise((resolve, reject) => {
        waiters.push({ match, resolve })
        exited.then((code) =>
          reject(
            new Error(`process exited (${code}) before the line; output:\n${lines.join('\n')}`),
          ),
        )
      })
    },
    exited,
  }
  return running
}

/** Parses a JSON log line, or returns undefined for anything else. */
export function logLine(line: string): Record<string, unknown> | undefined {
  try {
    const parsed: unknown = JSON.parse(line)
    return typeof parsed === 'object' && parsed !== null
      ? (parsed as Record<string, unknown>)
      : undefined
  } catch {
    return undefined
  }
}
