// The contract subpath: stable token ids and event names other plugins reference by id
// (serviceRef/eventRef), and no implementation pulled in at runtime.
import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import * as contract from './contract.js'

describe('@backlex/collections/contract', () => {
  it('defines the tokens and typed events with their stable ids', () => {
    expect(contract.Collections.id).toBe('backlex.collections')
    expect(contract.Items.id).toBe('backlex.items')
    expect(
      [
        contract.ItemsCreate,
        contract.ItemsUpdate,
        contract.ItemsDelete,
        contract.ItemsCommitting,
        contract.ItemsCreated,
        contract.ItemsUpdated,
        contract.ItemsDeleted,
      ].map((event) => [event.kind, event.name]),
    ).toEqual([
      ['event', 'items.create'],
      ['event', 'items.update'],
      ['event', 'items.delete'],
      ['event', 'items.committing'],
      ['event', 'items.created'],
      ['event', 'items.updated'],
      ['event', 'items.deleted'],
    ])
  })

  it('imports values from @backlex/kernel only (everything else is `import type`)', () => {
    const source = readFileSync(new URL('./contract.ts', import.meta.url), 'utf8')
    const valueImports = [...source.matchAll(/^import\s+(?!type\b)[^'"]*from\s+'([^']+)'/gm)].map(
      (match) => match[1],
    )
    expect(valueImports).toEqual(['@backlex/kernel'])
    expect(source).not.toMatch(/^export\s+(?!type\b|interface\b|const\b)[^\n]*from\s+'/m)
  })

  it('is the one definition the package root re-exports', async () => {
    const root = await import('./index.js')
    expect(root.Items).toBe(contract.Items)
    expect(root.ItemsCreated).toBe(contract.ItemsCreated)
    expect(root.Collections).toBe(contract.Collections)
  })
})
