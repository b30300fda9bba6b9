// `@backlex/graphql/contract` stays types-only: at run time it loads the kernel (for the extension
// point) and nothing of this package's implementation, graphql-js or Pothos.
import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { GraphQLContributions } from './contract.js'

describe('the contract entry', () => {
  it('imports values only from @backlex/kernel', () => {
    const source = readFileSync(new URL('./contract.ts', import.meta.url), 'utf8')
    const valueImports = [...source.matchAll(/^import (?!type )[^;]*? from '([^']+)'/gms)].map(
      (m) => m[1],
    )
    expect(valueImports).toEqual(['@backlex/kernel'])
    // Re-exports are of types only (`export type { ... }`).
    expect(source).not.toMatch(/^export \{/m)
  })

  it('defines the extension point by its id', () => {
    expect(GraphQLContributions.id).toBe('backlex.graphql.contributions')
  })
})
