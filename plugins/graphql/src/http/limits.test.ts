// Depth and cost estimates of operations against a small schema.
import { isBacklexError } from '@backlex/kernel'
import {
  buildSchema,
  type FragmentDefinitionNode,
  Kind,
  type OperationDefinitionNode,
  parse,
} from 'graphql'
import { describe, expect, it } from 'vitest'
import { checkLimits } from './limits.js'

const schema = buildSchema(`
  type Query { posts(limit: Int): [Post!] post: Post }
  type Post { id: Int title: String author: User comments(limit: Int): [Comment!]! }
  type User { name: String posts(limit: Int): [Post!]! }
  type Comment { body: String }
`)
const limits = { maxDepth: 4, maxCost: 1000, defaultListSize: 100, maxListSize: 500 }

function check(query: string, variables: Record<string, unknown> = {}): string | null {
  const document = parse(query)
  const operation = document.definitions.find(
    (d) => d.kind === Kind.OPERATION_DEFINITION,
  ) as OperationDefinitionNode
  const fragments: Record<string, FragmentDefinitionNode> = {}
  for (const d of document.definitions)
    if (d.kind === Kind.FRAGMENT_DEFINITION) fragments[d.name.value] = d
  try {
    checkLimits(schema, operation, fragments, variables, limits)
    return null
  } catch (error) {
    if (isBacklexError(error)) return `${error.code} ${JSON.stringify(error.details)}`
    throw error
  }
}

describe('checkLimits', () => {
  it('counts depth through fragments and ignores introspection', () => {
    expect(check('{ post { author { posts(limit: 1) { id } } } }')).toBeNull()
    expect(check('{ post { author { posts(limit: 1) { author { name } } } } }')).toMatch(
      /^GRAPHQL_DEPTH_LIMIT/,
    )
    expect(
      check(
        '{ post { ...F } } fragment F on Post { author { posts(limit: 1) { author { name } } } }',
      ),
    ).toMatch(/^GRAPHQL_DEPTH_LIMIT \{"depth":5,"max":4\}/)
    expect(
      check('{ __schema { types { fields { type { ofType { ofType { name } } } } } } }'),
    ).toBeNull()
  })

  it('multiplies nested lists by their limits, defaults and variables', () => {
    expect(check('{ posts(limit: 10) { comments(limit: 10) { body } } }')).toBeNull() // 10 * (1 + 10)
    expect(check('{ posts(limit: 10) { comments { body } } }')).toMatch(/"cost":1010/) // 10 * (1 + 100)
    expect(check('query($n: Int) { posts(limit: $n) { id } }', { n: 2000 })).toMatch(/"cost":2000/)
    expect(check('{ posts(limit: -1) { id } }')).toBeNull() // maxListSize: 500
    expect(check('{ post { author { name } } }')).toBeNull()
  })
})
