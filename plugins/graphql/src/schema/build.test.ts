// What contributions meet in buildSchema: their types and root fields land in the schema, a name
// already taken fails with GRAPHQL_CONTRIBUTION_CONFLICT, and empty roots stay out.
import { isBacklexError } from '@backlex/kernel'
import { printSchema } from 'graphql'
import { describe, expect, it } from 'vitest'
import type { GraphQLContribution } from '../contract.js'
import { buildSchema } from './build.js'
import type { SchemaView } from './view.js'

const view: SchemaView = {
  workspace: 'main',
  version: 1,
  roles: [],
  collections: new Map(),
  keyTypes: new Map(),
  key: 'main',
}

const codeOf = (run: () => unknown) => {
  try {
    run()
  } catch (error) {
    return isBacklexError(error) ? error.code : String(error)
  }
  return undefined
}

describe('buildSchema with contributions', () => {
  it('leaves out Mutation and Subscription when nothing adds to them', () => {
    const sdl = printSchema(buildSchema(view, [], { subscriptions: true }))
    expect(sdl).toBe(
      'type Query {\n  """The version of the collections this schema was generated from."""\n  schemaVersion: Int!\n}',
    )
  })

  it('adds contributed types and root fields, unreferenced types included', () => {
    const contribution: GraphQLContribution = (builder) => {
      builder.objectRef<{ at: string }>('Tick').implement({
        fields: (t) => ({ at: t.exposeString('at', { nullable: false }) }),
      })
      builder.objectRef<{ n: number }>('Unused').implement({
        fields: (t) => ({ n: t.exposeInt('n') }),
      })
      builder.mutationField('ping', (t) => t.string({ resolve: () => 'pong' }))
      builder.subscriptionField('ticks', (t) =>
        t.int({
          subscribe: async function* () {
            yield 1
          },
          resolve: (n: number) => n,
        }),
      )
    }
    const schema = buildSchema(view, [contribution])
    expect(schema.getMutationType()?.getFields().ping).toBeDefined()
    expect(schema.getSubscriptionType()?.getFields().ticks).toBeDefined()
    // Contributed types come first (with what they refer to), as graphql-js collects the
    // `types` it is given before what the roots reach.
    const names = Object.keys(schema.getTypeMap())
    expect(names.slice(0, 3)).toEqual(['Tick', 'String', 'Unused'])
    expect(names.indexOf('Unused')).toBeLessThan(names.indexOf('Query'))
  })

  it('fails with GRAPHQL_CONTRIBUTION_CONFLICT on a name already taken', () => {
    const field =
      (name: string): GraphQLContribution =>
      (builder) =>
        builder.queryField(name, (t) => t.string({ resolve: () => name }))
    expect(codeOf(() => buildSchema(view, [field('schemaVersion')]))).toBe(
      'GRAPHQL_CONTRIBUTION_CONFLICT',
    )
    expect(codeOf(() => buildSchema(view, [field('hello'), field('hello')]))).toBe(
      'GRAPHQL_CONTRIBUTION_CONFLICT',
    )
    const type: GraphQLContribution = (builder) => {
      builder.objectRef<{ a: string }>('JSON').implement({
        fields: (t) => ({ a: t.exposeString('a') }),
      })
    }
    expect(codeOf(() => buildSchema(view, [type]))).toBe('GRAPHQL_CONTRIBUTION_CONFLICT')
  })
})
