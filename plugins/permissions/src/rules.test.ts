// combineGrants: the union of several roles' grants, with equal filters written once.
import { anonymousPrincipal } from '@backlex/kernel'
import { describe, expect, it } from 'vitest'
import type { FilterSchema } from './filter/field-types.js'
import { parseFilter } from './filter/parse.js'
import { prepareFilter } from './filter/prepare.js'
import { resolveVariables } from './filter/variables.js'
import { combineGrants, type Grant } from './rules.js'

const variables = resolveVariables(anonymousPrincipal, new Date())
const schema: FilterSchema = { status: { type: 'string' }, views: { type: 'integer' } }
const grant = (role: string, filter: unknown): Grant => ({
  role,
  filter: prepareFilter(parseFilter(filter, schema), { dialect: 'sqlite' }),
  fields: '*',
  validation: null,
  presets: {},
})

describe('combineGrants', () => {
  it('keeps one copy of a filter that several roles share', () => {
    const published = { status: { _eq: 'published' } }
    const rules = combineGrants([grant('reader', published), grant('public', published)], 'sqlite')
    expect(rules?.filter?.ast).toEqual(grant('x', published).filter?.ast)
    expect(rules?.grants).toHaveLength(2)
  })

  it('ORs different filters, and a role without a filter opens every row', () => {
    const rules = combineGrants(
      [grant('reader', { status: { _eq: 'published' } }), grant('fan', { views: { _gt: 10 } })],
      'sqlite',
    )
    expect(rules?.filter?.ast.kind).toBe('or')
    expect(rules?.filter?.matches({ status: 'draft', views: 11 }, variables)).toBe(true)
    expect(rules?.filter?.matches({ status: 'draft', views: 1 }, variables)).toBe(false)
    const open = combineGrants(
      [grant('reader', { status: { _eq: 'published' } }), { ...grant('all', {}), filter: null }],
      'sqlite',
    )
    expect(open?.filter).toBeNull()
  })
})
