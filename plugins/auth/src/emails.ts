// The sign-in emails: a magic link and a one-time code, as text and simple HTML.

export interface AuthEmail {
  to: string
  subject: string
  text: string
  html: string
}

const escapeHtml = (value: string) => value.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`)

export function magicLinkEmail(appName: string, to: string, url: string): AuthEmail {
  return {
    to,
    subject: `Sign in to ${appName}`,
    text: `Open this link to sign in to ${appName}:\n\n${url}\n\nIt works once and expires in 5 minutes. If you did not ask for it, ignore this email.`,
    html: `<p>Open this link to sign in to ${escapeHtml(appName)}:</p><p><a href="${escapeHtml(url)}">${escapeHtml(url)}</a></p><p>It works once and expires in 5 minutes. If you did not ask for it, ignore this email.</p>`,
  }
}

const PURPOSE: Record<string, string> = {
  'sign-in': 'sign in',
  'email-verification': 'verify your email address',
  'forget-password': 'reset your password',
  'change-email': 'change your email address',
}

export function otpEmail(appName: string, to: string, otp: string, type: string): AuthEmail {
  const purpose = PURPOSE[type] ?? 'continue'
  return {
    to,
    subject: `Your ${appName} code: ${otp}`,
    text: `Your code to ${purpose} on ${appName} is ${otp}.\n\nIt expires in 5 minutes. If you did not ask for it, ignore this email.`,
    html: `<p>Your code to ${purpose} on ${escapeHtml(appName)} is</p><p style="font-size:24px;font-weight:bold;letter-spacing:4px">${escapeHtml(otp)}</p><p>It expires in 5 minutes. If you did not ask for it, ignore this email.</p>`,
  }
}
