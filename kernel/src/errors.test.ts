import { describe, expect, it } from 'vitest'
import { BacklexError, isBacklexError, KernelErrors } from './errors.js'
import { defineService } from './services.js'

describe('errors', () => {
  it('carries a stable code and status, recognised across package copies', () => {
    const error = KernelErrors.MISSING_PROVIDER('@acme/x', defineService('acme.y'))
    expect(error).toBeInstanceOf(BacklexError)
    expect([error.code, error.status]).toEqual(['MISSING_PROVIDER', 500])
    const foreign = Object.assign(new Error('copy'), {
      name: 'BacklexError',
      code: 'X',
      status: 400,
    })
    expect(isBacklexError(foreign)).toBe(true)
    expect(isBacklexError(new Error('plain'))).toBe(false)
  })
})
