// The matcher on its own: rows as drivers and JSON deliver them, and the cases with no SQL twin.
import { describe, expect, it } from 'vitest'
import type { FilterSchema } from './field-types.js'
import { compileMatcher } from './match.js'
import { parseFilter } from './parse.js'
import { matchFilter } from './prepare.js'
import { resolveVariables } from './variables.js'

const variables = resolveVariables(
  { type: 'user', id: 'u1', userId: 'u1', roles: ['editor'], admin: false },
  new Date('2024-06-15T12:00:00.000Z'),
)
const schema: FilterSchema = {
  done: { type: 'boolean' },
  at: { type: 'timestamp' },
  on: { type: 'date' },
  price: { type: 'decimal' },
  big: { type: 'bigInteger' },
}

describe('matchFilter', () => {
  it('reads each driver representation of a typed field', () => {
    const done = parseFilter({ done: true }, schema)
    for (const v of [true, 1, 1n]) expect(matchFilter(done, { done: v }, { variables })).toBe(true)
    for (const v of [false, 0, null, 'true'])
      expect(matchFilter(done, { done: v }, { variables })).toBe(false)

    const recent = parseFilter({ at: { _gt: '$NOW(-1 hour)' } }, schema)
    for (const v of [
      '2024-06-15T11:30:00.000Z',
      new Date('2024-06-15T11:30:00Z'),
      '2024-06-15T13:30:00+02:00',
    ])
      expect(matchFilter(recent, { at: v }, { variables })).toBe(true)

    // pg returns a `date` as a Date at local midnight.
    const day = parseFilter({ on: '2024-06-01' }, schema)
    expect(matchFilter(day, { on: new Date(2024, 5, 1) }, { variables })).toBe(true)
    expect(matchFilter(day, { on: '2024-06-01' }, { variables })).toBe(true)

    // pg returns numeric as a string and large bigints as strings.
    expect(
      matchFilter(parseFilter({ price: { _gt: 9.5 } }, schema), { price: '9.99' }, { variables }),
    ).toBe(true)
    expect(
      matchFilter(
        parseFilter({ big: { _gt: 1 } }, schema),
        { big: '9007199254740993' },
        { variables },
      ),
    ).toBe(true)
  })

  it('treats a missing field as NULL', () => {
    expect(matchFilter(parseFilter({ done: { _null: true } }, schema), {}, { variables })).toBe(
      true,
    )
    expect(matchFilter(parseFilter({ done: { _neq: true } }, schema), {}, { variables })).toBe(
      false,
    )
  })

  it('compares like with like without a schema; on SQLite true is 1', () => {
    const open = parseFilter({ done: true })
    expect(matchFilter(open, { done: true }, { variables })).toBe(true)
    expect(matchFilter(open, { done: 1 }, { variables })).toBe(false)
    expect(matchFilter(open, { done: 1 }, { variables, dialect: 'sqlite' })).toBe(true)
    expect(matchFilter(parseFilter({ n: { _gt: 5 } }), { n: '10' }, { variables })).toBe(false)
  })

  it('compiles once into a reusable closure', () => {
    const predicate = compileMatcher(
      parseFilter({ _or: [{ owner: '$CURRENT_USER' }, { public: true }] }),
    )
    expect(predicate({ owner: 'u1', public: false }, variables)).toBe(true)
    expect(predicate({ owner: 'u2', public: false }, variables)).toBe(false)
    expect(predicate({ owner: 'u2', public: true }, variables)).toBe(true)
  })
})
