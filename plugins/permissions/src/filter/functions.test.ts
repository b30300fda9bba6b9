// Date functions in JavaScript give the documented values (ISO weeks, Sunday = 0, UTC), and the
// parser reads `fn(field)` keys and refuses what they cannot apply to.
import { describe, expect, it } from 'vitest'
import { dateFunctionValue, functionKey, isoWeek, parseFunctionCall } from './functions.js'
import { parseFilter } from './parse.js'

describe('function fields', () => {
  it('numbers weeks the ISO 8601 way, across year ends', () => {
    expect(isoWeek(Date.parse('2020-12-31T12:00:00Z'))).toBe(53)
    expect(isoWeek(Date.parse('2021-01-03T23:59:59Z'))).toBe(53)
    expect(isoWeek(Date.parse('2021-01-04T00:00:00Z'))).toBe(1)
    expect(isoWeek(Date.parse('2024-12-30T00:00:00Z'))).toBe(1)
    expect(isoWeek(Date.parse('2024-06-15T00:00:00Z'))).toBe(24)
  })

  it('reads instants in UTC, whatever offset they were written with', () => {
    const hour = dateFunctionValue('hour', 'datetime')
    expect(hour('2024-06-15T23:30:00+02:00')).toBe(21)
    expect(hour(new Date('2024-06-15T23:30:00Z'))).toBe(23)
    expect(dateFunctionValue('second', 'timestamp')('2024-06-15T10:00:07.900Z')).toBe(7)
    expect(dateFunctionValue('weekday', 'datetime')('2024-06-16T00:00:00Z')).toBe(0)
    expect(dateFunctionValue('year', 'datetime')(null)).toBeNull()
  })

  it('reads dates and times as their calendar and clock parts', () => {
    expect(dateFunctionValue('month', 'date')('2024-02-29')).toBe(2)
    expect(dateFunctionValue('year', 'date')('0001-01-01')).toBe(1)
    expect(dateFunctionValue('week', 'date')('2021-01-03')).toBe(53)
    expect(dateFunctionValue('minute', 'time')('08:30:00')).toBe(30)
    expect(dateFunctionValue('second', 'time')('08:30')).toBe(0)
  })

  it('reads calls and names their answer keys as Directus does', () => {
    const call = parseFunctionCall('year(published_at)')
    expect(call).toEqual({ name: 'year', field: 'published_at' })
    expect(functionKey({ name: 'count', field: 'comments' })).toBe('comments_count')
    expect(parseFunctionCall('title')).toBeUndefined()
    expect(parseFunctionCall('decade(at)')).toMatch(/unknown function decade/)
  })

  it('refuses functions on fields they do not apply to, and text operators on their values', () => {
    const schema = {
      title: { type: 'string' },
      day: { type: 'date' },
      at: { type: 'datetime' },
    } as const
    expect(() => parseFilter({ 'year(title)': 2024 }, schema)).toThrow(/applies to date/)
    expect(() => parseFilter({ 'hour(day)': 1 }, schema)).toThrow(
      /applies to datetime, timestamp and time/,
    )
    expect(() => parseFilter({ 'year(at)': { _contains: '20' } }, schema)).toThrow(
      /only applies to text/,
    )
    expect(() => parseFilter({ 'year(nope)': 1 }, schema)).toThrow(/unknown field "nope"/)
    expect(() => parseFilter({ 'year(at)': 'soon' }, schema)).toThrow(/expected a number/)
    expect(() => parseFilter({ 'count(tags)': 1 }, schema)).toThrow(/count\(\) needs relations/)
    const ast = parseFilter({ 'year(at)': { _gte: '2024' } }, schema)
    expect(ast).toMatchObject({
      kind: 'condition',
      field: 'at',
      type: 'integer',
      operator: '_gte',
      fn: { name: 'year', type: 'datetime' },
      operands: [{ kind: 'value', value: 2024 }],
    })
  })
})

describe('count()', () => {
  const schema = { name: { type: 'string' } } as const
  const relations = (_: string | undefined, field: string) =>
    field === 'posts'
      ? ({
          cardinality: 'many',
          collection: 'posts',
          table: 'p',
          localColumn: 'id',
          foreignColumn: 'a',
        } as const)
      : field === 'boss'
        ? ({
            cardinality: 'one',
            collection: 'people',
            table: 'q',
            localColumn: 'b',
            foreignColumn: 'id',
          } as const)
        : undefined

  it('counts the rows of a to-many relation, one condition per operator', () => {
    const ast = parseFilter({ 'count(posts)': { _gt: 2, _lt: '5' } }, schema, { relations })
    expect(ast).toMatchObject({
      kind: 'and',
      children: [
        {
          kind: 'relation',
          quantifier: 'count',
          field: 'posts',
          count: { operator: '_gt', operands: [{ value: 2 }] },
        },
        {
          kind: 'relation',
          quantifier: 'count',
          field: 'posts',
          count: { operator: '_lt', operands: [{ value: 5 }] },
        },
      ],
    })
  })

  it('refuses many-to-one fields and non-numbers', () => {
    expect(() => parseFilter({ 'count(boss)': 1 }, schema, { relations })).toThrow(
      /one-to-many or many-to-many/,
    )
    expect(() => parseFilter({ 'count(posts)': { _gt: 'many' } }, schema, { relations })).toThrow(
      /expected a number/,
    )
  })
})
