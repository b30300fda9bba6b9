// API key secrets: format, hashing, and recognising them in an Authorization header.
import { describe, expect, it } from 'vitest'
import {
  apiKeyDisplayPrefix,
  bearerApiKey,
  generateApiKeySecret,
  hashApiKeySecret,
} from './secret.js'

describe('API key secrets', () => {
  it('are blx_ plus 40 base62 characters, different each time', () => {
    const a = generateApiKeySecret()
    const b = generateApiKeySecret()
    expect(a).toMatch(/^blx_[0-9A-Za-z]{40}$/)
    expect(a).not.toBe(b)
    expect(apiKeyDisplayPrefix(a)).toBe(a.slice(0, 12))
  })

  it('hash to a stable hex SHA-256', async () => {
    expect(await hashApiKeySecret('abc')).toBe(
      'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad',
    )
  })

  it('are recognised only in a Bearer header', () => {
    expect(bearerApiKey('Bearer blx_abc')).toBe('blx_abc')
    expect(bearerApiKey('bearer   blx_abc ')).toBe('blx_abc')
    expect(bearerApiKey('Bearer sessiontoken')).toBeNull()
    expect(bearerApiKey('Basic blx_abc')).toBeNull()
    expect(bearerApiKey(null)).toBeNull()
  })
})
