// A logger that records lines instead of printing them, for assertions in tests.
import type { LoggerAdapter } from '@backlex/kernel'

export interface RecordingLogger extends LoggerAdapter {
  lines: { level: string; message: string; fields: Record<string, unknown> }[]
}

export function silentLogger(
  lines: RecordingLogger['lines'] = [],
  bindings: Record<string, unknown> = {},
): RecordingLogger {
  const log = (level: string) => (message: string, fields?: Record<string, unknown>) => {
    lines.push({ level, message, fields: { ...bindings, ...fields } })
  }
  return {
    lines,
    debug: log('debug'),
    info: log('info'),
    warn: log('warn'),
    error: log('error'),
    child: (more) => silentLogger(lines, { ...bindings, ...more }),
  }
}
