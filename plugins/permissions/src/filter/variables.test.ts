// Variables: syntax, $NOW arithmetic and what each kind of principal resolves to.
import { anonymousPrincipal, type Principal, systemPrincipal } from '@backlex/kernel'
import { describe, expect, it } from 'vitest'
import { evaluateVariable, parseVariable, resolveVariables, shiftTime } from './variables.js'

const at = (iso: string) => new Date(iso).getTime()
const iso = (ms: number) => new Date(ms).toISOString()

describe('variables', () => {
  it('parses every variable and $NOW offset, and explains the rest', () => {
    expect(parseVariable('$CURRENT_USER.team.id')).toMatchObject({
      name: 'CURRENT_USER',
      path: ['team', 'id'],
    })
    expect(parseVariable('$NOW(-1 day)')).toMatchObject({
      name: 'NOW',
      offset: { amount: -1, unit: 'day' },
    })
    expect(parseVariable('$NOW( +2 HOURS )')).toMatchObject({ offset: { amount: 2, unit: 'hour' } })
    expect(parseVariable('$NOW(3 weeks)')).toMatchObject({ offset: { amount: 3, unit: 'week' } })
    expect(parseVariable('$CURRENT_ROLES')).toMatchObject({ name: 'CURRENT_ROLES', path: [] })
    expect(parseVariable('$NOW(-1 fortnight)')).toMatch(/unknown time unit "fortnight"/)
    expect(parseVariable('$TODAY')).toMatch(/unknown variable \$TODAY/)
    expect(parseVariable('$CURRENT_ROLE.name')).toMatch(/only \$CURRENT_USER has fields/)
    expect(parseVariable('$CURRENT_USER.__proto__')).toMatch(/not a valid path/)
  })

  it('moves $NOW by calendar months and years, clamping to the end of the month', () => {
    const jan31 = at('2024-01-31T10:00:00.000Z')
    expect(iso(shiftTime(jan31, { amount: 1, unit: 'month' }))).toBe('2024-02-29T10:00:00.000Z')
    expect(iso(shiftTime(jan31, { amount: -2, unit: 'month' }))).toBe('2023-11-30T10:00:00.000Z')
    expect(iso(shiftTime(at('2024-02-29T00:00:00.000Z'), { amount: 1, unit: 'year' }))).toBe(
      '2025-02-28T00:00:00.000Z',
    )
    expect(iso(shiftTime(jan31, { amount: -90, unit: 'minute' }))).toBe('2024-01-31T08:30:00.000Z')
  })

  it('resolves a user, an API key, anonymous callers and the system', () => {
    const now = new Date('2024-06-15T12:00:00.000Z')
    const user: Principal = {
      type: 'user',
      id: 'u1',
      userId: 'u1',
      roles: ['editor'],
      admin: false,
      attributes: { team: { id: 't1' }, id: 'spoofed' },
    }
    const vars = resolveVariables(user, now)
    expect(vars).toEqual({
      user: { team: { id: 't1' }, id: 'u1' },
      role: 'editor',
      roles: ['editor', 'authenticated', 'public'],
      now,
    })
    const ref = (source: string) => {
      const parsed = parseVariable(source)
      if (typeof parsed === 'string') throw new Error(parsed)
      return parsed
    }
    expect(evaluateVariable(ref('$CURRENT_USER'), vars)).toBe('u1')
    expect(evaluateVariable(ref('$CURRENT_USER.team.id'), vars)).toBe('t1')
    expect(evaluateVariable(ref('$CURRENT_USER.team.name'), vars)).toBeNull()
    expect(evaluateVariable(ref('$NOW(-1 day)'), vars)).toEqual(
      new Date('2024-06-14T12:00:00.000Z'),
    )

    const key: Principal = { type: 'apiKey', id: 'k1', userId: 'u7', roles: [], admin: false }
    expect(resolveVariables(key, now)).toMatchObject({ user: { id: 'u7' }, role: 'authenticated' })
    expect(resolveVariables(anonymousPrincipal, now)).toMatchObject({
      user: null,
      role: 'public',
      roles: ['public'],
    })
    expect(
      evaluateVariable(ref('$CURRENT_USER.id'), resolveVariables(anonymousPrincipal, now)),
    ).toBeNull()
    expect(resolveVariables(systemPrincipal, now).user).toBeNull()
  })
})
