// parseFilter: normalisation, values brought to their field type, and every rejection with its path.
import { describe, expect, it } from 'vitest'
import type { ConditionNode } from './ast.js'
import type { FilterSchema } from './field-types.js'
import { parseFilter } from './parse.js'

const schema: FilterSchema = {
  title: { type: 'string' },
  views: { type: 'integer' },
  done: { type: 'boolean' },
  owner: { type: 'uuid' },
  at: { type: 'timestamp' },
  on: { type: 'date' },
  starts: { type: 'time' },
  meta: { type: 'json' },
}

const condition = (
  field: string,
  operator: string,
  operands: unknown[] = [],
  path = `${field}.${operator}`,
) => ({
  kind: 'condition',
  field,
  type: schema[field]?.type ?? null,
  operator,
  operands,
  path,
})
const value = (v: unknown) => ({ kind: 'value', value: v })

describe('parseFilter', () => {
  it('reads bare values as _eq, siblings as _and, and normalises the negations', () => {
    expect(parseFilter({ title: 'x', done: { _null: false } }, schema)).toEqual({
      kind: 'and',
      children: [
        condition('title', '_eq', [value('x')], 'title'),
        condition('done', '_nnull', [], 'done._null'),
      ],
    })
    expect(parseFilter({ title: null }, schema)).toEqual(condition('title', '_null', [], 'title'))
    expect(parseFilter({ title: { _neq: null } }, schema)).toEqual(
      condition('title', '_nnull', [], 'title._neq'),
    )
    expect(parseFilter({ title: { _empty: 'false' } }, schema)).toEqual(
      condition('title', '_nempty', [], 'title._empty'),
    )
    expect(parseFilter({}, schema)).toEqual({ kind: 'and', children: [] })
    expect(parseFilter({ _or: [] }, schema)).toEqual({ kind: 'or', children: [] })
  })

  it('brings values to their field type', () => {
    const one = (filter: unknown) =>
      (parseFilter(filter, schema) as unknown as { operands: unknown[] }).operands
    expect(one({ views: { _gt: '-1.5e1' } })).toEqual([value(-15)])
    expect(one({ title: { _eq: 5 } })).toEqual([value('5')])
    expect(one({ done: { _eq: 'true' } })).toEqual([value(true)])
    expect(one({ owner: { _eq: 'A1B2C3D4-E5F6-4789-ABCD-EF0123456789' } })).toEqual([
      value('a1b2c3d4-e5f6-4789-abcd-ef0123456789'),
    ])
    expect(one({ at: { _gt: '2024-06-01T10:00:00+02:00' } })).toEqual([
      value(Date.parse('2024-06-01T08:00:00.000Z')),
    ])
    expect(one({ at: { _gt: '2024-06-01' } })).toEqual([
      value(Date.parse('2024-06-01T00:00:00.000Z')),
    ])
    expect(one({ starts: { _lt: '09:30' } })).toEqual([value('09:30:00')])
    expect(one({ views: { _in: '1,2' } })).toEqual([value(1), value(2)])
    expect(one({ title: { _in: '$CURRENT_ROLES' } })).toEqual([
      expect.objectContaining({ kind: 'variable', name: 'CURRENT_ROLES' }),
    ])
  })

  it('accepts JSON text and checks only structure without a schema', () => {
    expect(parseFilter('{"anything":{"_gt":"b"}}')).toEqual({
      ...condition('anything', '_gt', [value('b')]),
      type: null,
    })
    expect(() => parseFilter('{nope')).toThrow(
      expect.objectContaining({
        code: 'INVALID_FILTER',
        details: { path: '', reason: 'not valid JSON' },
      }),
    )
    expect(() => parseFilter({ 'bad-name': 1 })).toThrow(/not a valid field name/)
  })

  it.each([
    [{ title: { _eqq: 1 } }, 'title._eqq', /unknown operator _eqq/],
    [{ _not: {} }, '_not', /unknown operator _not/],
    [{ nope: 1 }, 'nope', /unknown field "nope"/],
    [{ title: {} }, 'title', /expected an operator/],
    [{ title: [1, 2] }, 'title', /use \{ "_in": \[\.\.\.\] \}/],
    [{ _and: {} }, '_and', /expected an array/],
    [{ _or: [1] }, '_or.0', /expected an object/],
    [{ views: { _gt: 'ten' } }, 'views._gt', /expected a number/],
    [{ views: { _gt: null } }, 'views._gt', /use _null/],
    [{ views: { _between: [1, null] } }, 'views._between.1', /use _null/],
    [{ views: { _between: [1] } }, 'views._between', /two values/],
    [{ views: { _contains: '1' } }, 'views._contains', /only applies to text fields/],
    [{ done: { _gt: true } }, 'done._gt', /does not apply to boolean/],
    [{ meta: { _eq: 'x' } }, 'meta._eq', /JSON fields/],
    [{ owner: { _eq: 'not-a-uuid' } }, 'owner._eq', /expected a UUID/],
    [{ on: { _eq: '2024-02-30' } }, 'on._eq', /expected a date/],
    [{ at: { _eq: '0000-01-01T00:00:00Z' } }, 'at._eq', /date-time/],
    [{ starts: { _eq: '24:00' } }, 'starts._eq', /expected a time/],
    [{ views: { _eq: '$NOW' } }, 'views._eq', /\$NOW only compares with date/],
    [{ title: { _eq: '$CURRENT_ROLES' } }, 'title._eq', /is a list/],
    [{ title: { _null: 'yes' } }, 'title._null', /expected true or false/],
    [{ title: { _eq: { nested: 1 } } }, 'title._eq', /expected a string/],
    [{ title: { nested: 1 } }, 'title', /relations are not available/],
  ])('rejects %j at its path', (filter, path, reason) => {
    expect(() => parseFilter(filter, schema)).toThrow(
      expect.objectContaining({
        code: 'INVALID_FILTER',
        status: 400,
        details: { path, reason: expect.stringMatching(reason) },
      }),
    )
  })

  it('reads null in _in and _nin as SQL does: never matched, and _nin then matches nothing', () => {
    const condition = (filter: unknown) => parseFilter(filter, schema) as ConditionNode
    const inList = condition({ views: { _in: [1, null, 2] } })
    expect(inList.operator).toBe('_in')
    expect(inList.operands).toEqual([
      { kind: 'value', value: 1 },
      { kind: 'value', value: 2 },
    ])
    const notIn = condition({ views: { _nin: [1, null] } })
    expect(notIn).toMatchObject({ field: 'views', operator: '_in', operands: [] })
  })

  it('limits depth, size and list length', () => {
    let deep: Record<string, unknown> = { title: 'x' }
    for (let i = 0; i < 4; i++) deep = { _or: [deep] }
    expect(() => parseFilter(deep, schema, { maxDepth: 3 })).toThrow(/nested more than 3 levels/)
    const wide = { _or: Array.from({ length: 6 }, () => ({ title: 'x' })) }
    expect(() => parseFilter(wide, schema, { maxConditions: 5 })).toThrow(/more than 5 conditions/)
    expect(() =>
      parseFilter({ views: { _in: Array.from({ length: 1001 }, (_, i) => i) } }, schema),
    ).toThrow(/more than 1000 values/)
  })

  it('refuses input nested far past the limit before recursing into it', () => {
    let deep: Record<string, unknown> = { title: 'x' }
    for (let i = 0; i < 100_000; i++) deep = { _and: [deep] }
    expect(() => parseFilter(deep, schema)).toThrow(/nested more than 10 levels/)
  })

  it('reads a filter on many-to-many rows as one on the junction row leading to them', () => {
    const tags = { name: { type: 'string' as const } }
    const relations = (collection: string | undefined, field: string) =>
      collection === 'posts' && field === 'tags'
        ? {
            cardinality: 'many' as const,
            collection: 'posts.tags',
            table: 'posts_tags',
            schema: { tags_id: { type: 'integer' as const } },
            localColumn: 'id',
            foreignColumn: 'posts_id',
            through: 'tags_id',
          }
        : collection === 'posts.tags' && field === 'tags_id'
          ? {
              cardinality: 'one' as const,
              collection: 'tags',
              table: 'tags',
              schema: tags,
              localColumn: 'tags_id',
              foreignColumn: 'id',
            }
          : undefined
    const options = { collection: 'posts', relations }
    // The same filter whatever the spelling (error paths aside).
    const withoutPaths = (node: unknown) =>
      JSON.parse(JSON.stringify(node, (key, v) => (key === 'path' ? undefined : v)))
    const implied = parseFilter({ tags: { name: 'news' } }, {}, options)
    const some = parseFilter({ tags: { _some: { name: 'news' } } }, {}, options)
    expect(withoutPaths(implied)).toEqual(withoutPaths(some))
    expect(implied).toMatchObject({
      kind: 'relation',
      field: 'tags',
      quantifier: 'some',
      filter: { kind: 'relation', field: 'tags_id', quantifier: 'one' },
    })
    expect(withoutPaths(parseFilter({ 'tags.name': 'news' }, {}, options))).toEqual(
      withoutPaths(implied),
    )
    expect(parseFilter({ tags: { _none: { name: 'news' } } }, {}, options)).toMatchObject({
      quantifier: 'none',
      filter: { field: 'tags_id' },
    })
  })

  it('prefixes paths for filters inside a body', () => {
    expect(() => parseFilter({ x: 1 }, schema, { path: 'filter' })).toThrow(
      expect.objectContaining({ message: 'Invalid filter at "filter.x": unknown field "x"' }),
    )
  })
})
