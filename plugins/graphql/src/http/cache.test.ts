// The schema cache: one build per key, least recently used entry out first.
import { GraphQLObjectType, GraphQLSchema, GraphQLString } from 'graphql'
import { describe, expect, it } from 'vitest'
import { createSchemaCache } from './cache.js'

const schema = () =>
  new GraphQLSchema({
    query: new GraphQLObjectType({ name: 'Query', fields: { a: { type: GraphQLString } } }),
  })

describe('createSchemaCache', () => {
  it('builds once per key and evicts the least recently used', () => {
    const cache = createSchemaCache(2)
    let builds = 0
    const build = () => {
      builds++
      return schema()
    }
    const a = cache.get('a', build)
    expect(cache.get('a', build)).toBe(a)
    cache.get('b', build)
    cache.get('a', build) // a is now the most recent
    cache.get('c', build) // evicts b
    expect(cache.size).toBe(2)
    expect(builds).toBe(3)
    expect(cache.get('a', build)).toBe(a)
    cache.get('b', build)
    expect(builds).toBe(4)
  })

  it('keeps nothing when a build throws', () => {
    const cache = createSchemaCache(2)
    expect(() =>
      cache.get('x', () => {
        throw new Error('bad contribution')
      }),
    ).toThrow('bad contribution')
    expect(cache.size).toBe(0)
  })
})
