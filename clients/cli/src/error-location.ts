// Where in the user's files an error of loading the config happened: `backlex.config.ts:12:5`,
// read from the error's stack (syntax errors put the file and line first, with a caret line).
import { isAbsolute, relative } from 'node:path'
import { fileURLToPath } from 'node:url'

export interface SourceLocation {
  file: string
  line: number
  column?: number
}

const toPath = (file: string) => (file.startsWith('file://') ? fileURLToPath(file) : file)

/** `/app/backlex.config.ts:3` then the source line and a caret line, as Node prints syntax errors. */
function syntaxLocation(lines: readonly string[]): SourceLocation | undefined {
  const head = /^((?:file:\/\/)?\/\S*?):(\d+)$/.exec(lines[0] ?? '')
  if (!head?.[1] || !head[2]) return undefined
  const caret = lines.slice(1, 4).findIndex((l) => /^\s*\^+\s*$/.test(l))
  const column = caret === -1 ? undefined : (lines[caret + 1]?.indexOf('^') ?? -1) + 1
  return { file: toPath(head[1]), line: Number(head[2]), ...(column ? { column } : {}) }
}

/** The first stack frame in the project (not Node's, not node_modules), else in any file. */
function frameLocation(lines: readonly string[], cwd: string): SourceLocation | undefined {
  const frames: SourceLocation[] = []
  for (const line of lines) {
    const frame = /^\s+at (?:.*? \()?((?:file:\/\/)?\/[^()]+?):(\d+):(\d+)\)?$/.exec(line)
    if (!frame?.[1]) continue
    const file = toPath(frame[1])
    if (file.includes('/node_modules/')) continue
    frames.push({ file, line: Number(frame[2]), column: Number(frame[3]) })
  }
  const inProject = frames.find((f) => {
    const rel = relative(cwd, f.file)
    return !rel.startsWith('..') && !isAbsolute(rel)
  })
  return inProject ?? frames[0]
}

/**
 * The file, line and column an error points at in the user's code, or undefined.
 * @example
 * sourceLocationOf(error, process.cwd()) // { file: '/app/backlex.config.ts', line: 12, column: 5 }
 */
export function sourceLocationOf(error: unknown, cwd: string): SourceLocation | undefined {
  const stack = error instanceof Error ? error.stack : undefined
  if (!stack) return undefined
  const lines = stack.split('\n')
  return syntaxLocation(lines) ?? frameLocation(lines, cwd)
}
