// The Sandbox contract: run untrusted JavaScript with limits.
import { defineService } from '../services.js'

export interface SandboxRun {
  code: string
  input?: unknown
  timeoutMs?: number
  memoryBytes?: number
}

export interface SandboxResult {
  output: unknown
  logs: string[]
}

export interface SandboxAdapter {
  run(request: SandboxRun): Promise<SandboxResult>
}

export const Sandbox = defineService<SandboxAdapter>('backlex.sandbox')
