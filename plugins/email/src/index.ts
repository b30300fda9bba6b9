// @backlex/email: Email adapters — the console one for development, SMTP for production (Node).
export {
  type ConsoleEmailOptions,
  consoleEmail,
  consoleEmailOptions,
  createConsoleEmail,
} from './console.js'
export { type EmailErrorCode, EmailErrors } from './errors.js'
export {
  createSmtpEmail,
  type SmtpEmail,
  type SmtpEmailOptions,
  smtpEmail,
  smtpEmailOptions,
} from './smtp.js'
