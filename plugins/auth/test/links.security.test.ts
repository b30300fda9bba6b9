// Links in emails point to the configured public URL, never to the request's Host: a forged
// Host or X-Forwarded-Host cannot make the server mail a sign-in token to another site.
// Emails go through @backlex/email's SMTP adapter to a real SMTP server on loopback.
import { smtpEmail } from '@backlex/email'
import { createBacklex } from '@backlex/kernel'
import { silentLogger, startSmtpServer, type TestSmtpServer } from '@backlex/test-utils'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { auth } from '../src/index.js'
import {
  dialectsUnderTest,
  errorCode,
  ORIGIN,
  SECRET,
  type StartOptions,
  startApp,
  type TestApp,
} from './helpers.js'

const EVIL = 'http://evil.example'
/** What a Node server hands the kernel for `Host: evil.example` behind a forged proxy header. */
const forgedHost = {
  base: EVIL,
  headers: {
    host: 'evil.example',
    'x-forwarded-host': 'evil.example',
    'x-forwarded-proto': 'https',
    'x-forwarded-for': '203.0.113.7',
  },
}

const linkIn = (text: string) => /https?:\/\/\S+/.exec(text)?.[0] ?? ''

describe.each(dialectsUnderTest)('emailed links on $dialect', (dialect) => {
  let smtp: TestSmtpServer
  let t: TestApp | undefined
  beforeAll(async () => {
    smtp = await startSmtpServer()
  })
  afterAll(() => smtp.close())
  afterEach(async () => {
    await t?.close()
    await t?.db.cleanup()
    t = undefined
  })

  const mailer = () => smtpEmail({ host: '127.0.0.1', port: smtp.port, from: 'auth@acme.test' })
  const start = async (options: StartOptions = {}) => {
    t = await startApp(await dialect.create(), { email: mailer(), ...options })
    return t
  }

  it('builds the magic link from baseURL whatever Host and X-Forwarded-Host say', async () => {
    const { http } = await start()
    const asked = await http.request('POST', '/api/auth/sign-in/magic-link', {
      body: { email: 'ada@example.com', callbackURL: '/welcome' },
      ...forgedHost,
    })
    expect(asked.status).toBe(200)
    const mail = await smtp.nextMailTo('ada@example.com')
    expect(linkIn(mail.text)).toMatch(new RegExp(`^${ORIGIN}/api/auth/magic-link/verify\\?token=`))
    expect(mail.text + (mail.html ?? '')).not.toContain('evil.example')

    // Nor may the request name the forged host as where to go after signing in.
    const redirected = await http.request('POST', '/api/auth/sign-in/magic-link', {
      body: { email: 'bob@example.com', callbackURL: `${EVIL}/steal` },
      ...forgedHost,
    })
    expect(redirected.status).toBe(403)
    expect(errorCode(redirected)).toBe('INVALID_CALLBACK_URL')
  })

  it('mails the password-reset code without any link or forged host', async () => {
    const { http } = await start()
    await http.signUp('ada@example.com')
    const asked = await http.request('POST', '/api/auth/email-otp/request-password-reset', {
      body: { email: 'ada@example.com' },
      ...forgedHost,
    })
    expect(asked.status).toBe(200)
    const mail = await smtp.nextMailTo('ada@example.com')
    expect(mail.text).toMatch(/reset your password/)
    expect(mail.text + (mail.html ?? '')).not.toMatch(/evil\.example|https?:\/\//)
  })

  it('in dev without baseURL, builds links from the listening address, not the Host', async () => {
    const { http } = await start({
      dev: true,
      listenURL: 'http://127.0.0.1:4321',
      auth: { baseURL: undefined },
    })
    const asked = await http.request('POST', '/api/auth/sign-in/magic-link', {
      body: { email: 'ada@example.com' },
      ...forgedHost,
    })
    expect(asked.status).toBe(200)
    const mail = await smtp.nextMailTo('ada@example.com')
    expect(linkIn(mail.text)).toMatch(
      /^http:\/\/127\.0\.0\.1:4321\/api\/auth\/magic-link\/verify\?/,
    )
    expect(mail.text).not.toContain('evil.example')
  })

  it('refuses to boot outside dev when links are emailed and no baseURL is set', async () => {
    const db = await dialect.create()
    try {
      const app = createBacklex({
        logger: silentLogger(),
        migrateOnBoot: true,
        runtime: { name: 'node', capabilities: ['tcp'] },
        plugins: [db.plugin(), mailer(), auth({ secret: SECRET })],
      })
      const error = await app.boot().catch((e: unknown) => e)
      expect(error).toMatchObject({
        code: 'AUTH_BASE_URL_REQUIRED',
        details: { flows: ['magicLink'] },
      })
      expect(String((error as Error).message)).toMatch(/baseURL/)
      expect(app.state).not.toBe('ready')
    } finally {
      await db.cleanup()
    }
  })

  it('boots without baseURL when nothing emails a link', async () => {
    // No link to build: magic link off, or no Email service (as in examples/app).
    await start({ auth: { baseURL: undefined, magicLink: false } })
    await t?.close()
    await t?.db.cleanup()
    t = await startApp(await dialect.create(), { email: null, auth: { baseURL: undefined } })
    expect(t.app.state).toBe('ready')
  })
})
