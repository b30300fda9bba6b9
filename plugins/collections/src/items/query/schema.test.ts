import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import { normalizeQuery } from './normalize.js'
import { itemsQueryInput } from './schema.js'

const failure = (raw: Record<string, unknown>) => {
  try {
    normalizeQuery(raw)
  } catch (error) {
    const { code, details } = error as { code: string; details: { path: string; reason: string } }
    return [code, details.path, details.reason]
  }
  return 'no error'
}

describe('the items query schema', () => {
  it('parses either spelling into the normalized query', () => {
    expect(
      itemsQueryInput.parse({
        fields: 'id,title',
        limit: '10',
        page: 2,
        filter: '{"views":{"_gt":1}}',
        aggregate: { count: '*' },
        deep: { comments: '{"_limit":"3"}' },
        search: '',
      }),
    ).toEqual({
      fields: ['id', 'title'],
      limit: 10,
      page: 2,
      filter: { views: { _gt: 1 } },
      aggregate: { count: ['*'] },
      deep: { comments: { limit: 3, relations: {} } },
      meta: [],
    })
  })

  it('tells the first problem in the order the parameters were given', () => {
    expect(failure({ limit: 'x', colour: 'red' })[1]).toBe('limit')
    expect(failure({ colour: 'red', limit: 'x' })[1]).toBe('colour')
    expect(failure({ page: 1, offset: 1, sort: 5 })[1]).toBe('sort')
    expect(failure({ page: 1, offset: 1 })).toEqual([
      'INVALID_QUERY',
      'page',
      'give either page or offset, not both',
    ])
  })

  it('names where in a value it went wrong, with the code of the parameter', () => {
    expect(failure({ fields: ['id', 7] })).toEqual([
      'INVALID_QUERY',
      'fields.1',
      'expected a string',
    ])
    expect(failure({ limit: 2 ** 60 })).toEqual(['INVALID_QUERY', 'limit', 'expected an integer'])
    expect(failure({ filter: 5 })).toEqual(['INVALID_FILTER', 'filter', 'expected an object'])
    expect(failure({ filter: [{}] })).toEqual(['INVALID_QUERY', 'filter', 'given more than once'])
    expect(failure({ deep: { a: { _filter: '{' } } })).toEqual([
      'INVALID_FILTER',
      'deep.a._filter',
      'not valid JSON',
    ])
  })

  it('keeps a filter as given, own __proto__ key included, for the filter parser to refuse', () => {
    const filter = JSON.parse('{"__proto__":{"_eq":1},"a":{"_eq":2}}') as Record<string, unknown>
    const read = normalizeQuery({ filter }).filter
    expect(read).toBe(filter)
    expect(Object.keys(read ?? {})).toEqual(['__proto__', 'a'])
  })

  it('skips keys holding undefined, as a query built in code may carry', () => {
    expect(normalizeQuery({ colour: undefined, limit: 2 })).toEqual({
      limit: 2,
      meta: [],
      deep: {},
    })
  })

  it('describes its input as JSON Schema', () => {
    const schema = z.toJSONSchema(itemsQueryInput, { io: 'input' }) as {
      properties: Record<string, unknown>
      additionalProperties: boolean
    }
    expect(schema.additionalProperties).toBe(false)
    expect(schema.properties.deep).toMatchObject({ type: ['object', 'string'] })
    expect(schema.properties.meta).toMatchObject({ description: expect.stringContaining('*') })
  })
})
