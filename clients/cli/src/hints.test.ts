// Advice for well-known missing services names the package, in the project's package manager.
import { Database, defineService, KernelErrors } from '@backlex/kernel'
import { describe, expect, it } from 'vitest'
import { hintFor } from './hints.js'

describe('hintFor MISSING_PROVIDER', () => {
  it('names both database packages for backlex.database, with bun’s verb', () => {
    expect(
      hintFor(KernelErrors.MISSING_PROVIDER('@acme/notes', Database), { packageManager: 'bun' }),
    ).toBe(
      '@backlex/sqlite or @backlex/postgres provides it: install it (`bun add @backlex/sqlite` or `bun add @backlex/postgres`) and add its plugin to `plugins` in your config, or remove "@acme/notes".',
    )
  })

  it('names @backlex/collections for the items service, with npm’s verb', () => {
    const items = defineService<object>('backlex.items')
    expect(
      hintFor(KernelErrors.MISSING_PROVIDER('@acme/x', items), { packageManager: 'npm' }),
    ).toContain('@backlex/collections provides it: install it (`npm install @backlex/collections`)')
  })

  it('keeps the generic advice for a service no backlex package provides', () => {
    const mailer = defineService<object>('acme.mailer')
    expect(hintFor(KernelErrors.MISSING_PROVIDER('@acme/x', mailer))).toBe(
      'Add a plugin that provides "acme.mailer" to `plugins` in your config, or remove "@acme/x".',
    )
  })
})
