// Every way @backlex/email can fail.
import { BacklexError } from '@backlex/kernel'

export const EmailErrors = {
  /** The SMTP server could not be reached or refused the message; `cause` holds the reason. */
  SEND_FAILED: (cause: unknown) => {
    const error = new BacklexError('EMAIL_SEND_FAILED', 502, 'The email could not be sent.')
    error.cause = cause
    return error
  },
  NO_RECIPIENT: () =>
    new BacklexError('EMAIL_NO_RECIPIENT', 400, 'An email needs at least one recipient.'),
  NO_SENDER: () =>
    new BacklexError(
      'EMAIL_NO_SENDER',
      500,
      'An email needs a sender: set `from` on the adapter or on the message.',
    ),
} as const

export type EmailErrorCode = ReturnType<(typeof EmailErrors)[keyof typeof EmailErrors]>['code']
