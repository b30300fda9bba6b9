// Every way @acme/hello can fail, in one place (codes are stable; messages are for people).
import { BacklexError } from '@backlex/kernel'

export const HelloErrors = {
  BANNED_WORD: (word: string) =>
    new BacklexError('HELLO_BANNED_WORD', 400, `Greetings may not contain "${word}".`, { word }),
  GREETING_NOT_FOUND: (id: string) =>
    new BacklexError('HELLO_GREETING_NOT_FOUND', 404, `No greeting with id "${id}".`, { id }),
} as const

export type HelloErrorCode = ReturnType<(typeof HelloErrors)[keyof typeof HelloErrors]>['code']
