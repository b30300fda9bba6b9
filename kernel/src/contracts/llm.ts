// The Llm contract: a chat model that can call tools.
import { defineService } from '../services.js'

export interface LlmToolCall {
  id: string
  name: string
  arguments: unknown
}

export type LlmMessage =
  | { role: 'system' | 'user'; content: string }
  | { role: 'assistant'; content: string; toolCalls?: LlmToolCall[] }
  | { role: 'tool'; toolCallId: string; content: string }

export interface LlmToolSpec {
  name: string
  description: string
  /** JSON Schema of the input. */
  inputSchema: Record<string, unknown>
}

export interface LlmAdapter {
  chat(request: {
    messages: LlmMessage[]
    tools?: LlmToolSpec[]
    model?: string
    temperature?: number
  }): Promise<{ message: Extract<LlmMessage, { role: 'assistant' }> }>
}

export const Llm = defineService<LlmAdapter>('backlex.llm')
