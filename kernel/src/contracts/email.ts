// The Email contract: send one message.
import { defineService } from '../services.js'

export interface EmailMessage {
  to: string | string[]
  from?: string
  subject: string
  text: string
  html?: string
  headers?: Record<string, string>
}

export interface EmailAdapter {
  send(message: EmailMessage): Promise<{ id?: string }>
}

export const Email = defineService<EmailAdapter>('backlex.email')
