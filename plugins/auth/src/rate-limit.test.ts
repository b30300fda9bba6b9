// Client addresses and the Kv-backed fixed-window counter behind the auth rate limits.
import { createMemoryKv } from '@backlex/kernel'
import { describe, expect, it } from 'vitest'
import { authOptions } from './options.js'
import { clientAddress, consumeRateLimit } from './rate-limit.js'

const request = (xff?: string) =>
  new Request('http://localhost/api/auth/sign-in/email', {
    method: 'POST',
    headers: xff ? { 'x-forwarded-for': xff } : {},
  })

describe('clientAddress', () => {
  it('ignores X-Forwarded-For unless proxies are trusted', () => {
    expect(clientAddress(request('1.1.1.1'), authOptions.parse({}))).toBeNull()
    // The runtime's socket peer is used when nothing more specific is configured.
    expect(clientAddress(request('1.1.1.1'), authOptions.parse({}), '127.0.0.7')).toBe('127.0.0.7')
  })

  it('takes the entry appended by the trusted proxy hops', () => {
    const one = authOptions.parse({ trustProxy: true })
    expect(clientAddress(request('6.6.6.6, 2.2.2.2'), one)).toBe('2.2.2.2')
    const two = authOptions.parse({ trustProxy: 2 })
    expect(clientAddress(request('6.6.6.6, 2.2.2.2, 10.0.0.1'), two)).toBe('2.2.2.2')
    expect(clientAddress(request('2.2.2.2'), two)).toBe('2.2.2.2')
  })

  it('prefers the clientIp option', () => {
    const options = authOptions.parse({ trustProxy: true, clientIp: () => '9.9.9.9' })
    expect(clientAddress(request('2.2.2.2'), options)).toBe('9.9.9.9')
  })
})

describe('consumeRateLimit', () => {
  it('refuses past the limit with the seconds left in the window, per address', async () => {
    const kv = createMemoryKv()
    const options = authOptions.parse({ rateLimit: { signUp: 2, windowSeconds: 30 } })
    expect((await consumeRateLimit(kv, options, 'signUp', 'a')).allowed).toBe(true)
    expect((await consumeRateLimit(kv, options, 'signUp', 'a')).allowed).toBe(true)
    const third = await consumeRateLimit(kv, options, 'signUp', 'a')
    expect(third.allowed).toBe(false)
    expect(third.retryAfter).toBeGreaterThanOrEqual(1)
    expect(third.retryAfter).toBeLessThanOrEqual(30)
    expect((await consumeRateLimit(kv, options, 'signUp', 'b')).allowed).toBe(true)
    expect((await consumeRateLimit(kv, options, 'signIn', 'a')).allowed).toBe(true)
  })

  it('can be switched off', async () => {
    const kv = createMemoryKv()
    const options = authOptions.parse({ rateLimit: { enabled: false, signUp: 1 } })
    for (let i = 0; i < 3; i++) {
      expect((await consumeRateLimit(kv, options, 'signUp', null)).allowed).toBe(true)
    }
  })
})
