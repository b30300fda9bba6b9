// The Logger contract: structured logs with bound fields.
import { defineService } from '../services.js'

export type LogLevel = 'debug' | 'info' | 'warn' | 'error' | 'silent'

export interface LoggerAdapter {
  debug(message: string, fields?: Record<string, unknown>): void
  info(message: string, fields?: Record<string, unknown>): void
  warn(message: string, fields?: Record<string, unknown>): void
  error(message: string, fields?: Record<string, unknown>): void
  /** A logger that adds `bindings` to every line. */
  child(bindings: Record<string, unknown>): LoggerAdapter
}

export const Logger = defineService<LoggerAdapter>('backlex.logger')
