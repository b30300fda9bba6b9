// Turning zod errors into the `{ path, message }` issues of VALIDATION_FAILED.
import type { z } from 'zod'

export function zodIssues(error: z.ZodError): { path: string; message: string }[] {
  return error.issues.map((issue) => ({
    path: issue.path.map(String).join('.'),
    message: issue.message,
  }))
}
