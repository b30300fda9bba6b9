// The default Logger: one JSON object per line on the console, filtered by level.
import type { LoggerAdapter, LogLevel } from '../contracts/logger.js'

const rank: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40, silent: 99 }

/**
 * Creates a JSON-lines logger.
 * @example
 * const log = createConsoleLogger({ level: 'info' }).child({ plugin: 'acme' })
 * log.info('ready', { port: 3000 })
 */
export function createConsoleLogger(
  options: { level?: LogLevel; bindings?: Record<string, unknown> } = {},
): LoggerAdapter {
  const level = options.level ?? 'info'
  const bindings = options.bindings ?? {}
  const write =
    (at: Exclude<LogLevel, 'silent'>) => (message: string, fields?: Record<string, unknown>) => {
      if (rank[at] < rank[level]) return
      const line = JSON.stringify({
        level: at,
        time: new Date().toISOString(),
        msg: message,
        ...bindings,
        ...fields,
      })
      if (at === 'error' || at === 'warn') console.error(line)
      else console.log(line)
    }
  return {
    debug: write('debug'),
    info: write('info'),
    warn: write('warn'),
    error: write('error'),
    child: (more) => createConsoleLogger({ level, bindings: { ...bindings, ...more } }),
  }
}
