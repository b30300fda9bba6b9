// combineGrants: the union of several roles' grants, with equal filters written once; and
// fieldVisibility: where each field is readable under them.
import { anonymousPrincipal } from '@backlex/kernel'
import { describe, expect, it } from 'vitest'
import type { FilterSchema } from './filter/field-types.js'
import { parseFilter } from './filter/parse.js'
import { prepareFilter } from './filter/prepare.js'
import { resolveVariables } from './filter/variables.js'
import { ADMIN_RULES, combineGrants, fieldVisibility, type Grant } from './rules.js'

const variables = resolveVariables(anonymousPrincipal, new Date())
const schema: FilterSchema = { status: { type: 'string' }, views: { type: 'integer' } }
const grant = (role: string, filter: unknown, fields: '*' | string[] = '*'): Grant => ({
  role,
  filter:
    filter === null ? null : prepareFilter(parseFilter(filter, schema), { dialect: 'sqlite' }),
  fields,
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

describe('fieldVisibility', () => {
  const options = { primaryKey: 'id', dialect: 'sqlite' } as const
  const published = { status: { _eq: 'published' } }

  it('reads the union of field lists for one role, and everything for admins', () => {
    const rules = combineGrants([grant('reader', published, ['title'])], 'sqlite')
    if (!rules) throw new Error('no rules')
    expect(fieldVisibility(rules, 'title', options)).toEqual({ kind: 'all' })
    expect(fieldVisibility(rules, 'secret', options)).toEqual({ kind: 'none' })
    expect(fieldVisibility(rules, 'id', options)).toEqual({ kind: 'all' })
    expect(fieldVisibility(ADMIN_RULES, 'secret', options)).toEqual({ kind: 'all' })
  })

  it('limits a field some roles grant to the rows those roles cover', () => {
    const rules = combineGrants(
      [
        grant('public', published, ['title']),
        grant('owner', { views: { _gt: 10 } }, '*'),
        grant('fan', { views: { _gt: 100 } }, ['body']),
      ],
      'sqlite',
    )
    if (!rules) throw new Error('no rules')
    const title = fieldVisibility(rules, 'title', options)
    if (title.kind !== 'where') throw new Error(`title is ${title.kind}`)
    expect(title.filter.matches({ status: 'published', views: 0 }, variables)).toBe(true)
    expect(title.filter.matches({ status: 'draft', views: 5 }, variables)).toBe(false)
    const body = fieldVisibility(rules, 'body', options)
    if (body.kind !== 'where') throw new Error(`body is ${body.kind}`)
    expect(body.filter.matches({ status: 'draft', views: 11 }, variables)).toBe(true)
    expect(body.filter.matches({ status: 'published', views: 1 }, variables)).toBe(false)
    const secret = fieldVisibility(rules, 'secret', options)
    expect(secret.kind).toBe('where')
    // Built once per rules object: surfaces comparing or caching by it see the same object.
    expect(fieldVisibility(rules, 'body', options)).toBe(body)
  })

  it('opens a field on every row when a role granting it has no filter', () => {
    const rules = combineGrants(
      [grant('public', published, ['title']), grant('staff', null, ['secret'])],
      'sqlite',
    )
    if (!rules) throw new Error('no rules')
    expect(fieldVisibility(rules, 'secret', options)).toEqual({ kind: 'all' })
    expect(fieldVisibility(rules, 'body', options)).toEqual({ kind: 'none' })
  })
})
