// Scalars the generated schema adds to GraphQL's own: JSON values, big integers and decimals
// (both kept exact: a decimal travels as a string, a big integer as a number when it is safe).
import type { FieldType } from '@backlex/collections'
import { GraphQLError, GraphQLScalarType, Kind, type ValueNode, valueFromASTUntyped } from 'graphql'
import type { GraphQLBuilder, GraphQLScalars } from '../contract.js'

export const GraphQLJSON = new GraphQLScalarType({
  name: 'JSON',
  description: 'Any JSON value.',
  serialize: (value) => value,
  parseValue: (value) => value,
  parseLiteral: (node: ValueNode, variables) => valueFromASTUntyped(node, variables),
})

function exactNumber(name: string, pattern: RegExp) {
  const check = (value: unknown): string | number => {
    if (typeof value === 'number' && Number.isFinite(value)) return value
    if (typeof value === 'string' && pattern.test(value)) return value
    throw new GraphQLError(`${name} expects a number or a numeric string.`)
  }
  return {
    serialize: check,
    parseValue: check,
    parseLiteral(node: ValueNode) {
      if (node.kind === Kind.INT || node.kind === Kind.FLOAT || node.kind === Kind.STRING) {
        return check(node.kind === Kind.STRING ? node.value : Number(node.value))
      }
      throw new GraphQLError(`${name} expects a number or a numeric string.`)
    },
  }
}

export const GraphQLBigInt = new GraphQLScalarType({
  name: 'BigInt',
  description: 'A 64-bit integer: a number when it is safe in JavaScript, else a string.',
  ...exactNumber('BigInt', /^-?\d{1,20}$/),
})

export const GraphQLDecimal = new GraphQLScalarType({
  name: 'Decimal',
  description: 'An exact decimal, as a string (numbers are accepted as input).',
  ...exactNumber('Decimal', /^-?\d+(\.\d+)?$/),
})

/** A scalar's name in a schema: GraphQL's own and the ones above. */
export type ScalarName = 'Int' | 'Float' | 'String' | 'Boolean' | 'ID' | keyof GraphQLScalars

/** Adds the scalars above to a schema's builder (each schema gets its own copies). */
export function addScalars(builder: GraphQLBuilder): void {
  builder.addScalarType('JSON', GraphQLJSON)
  builder.addScalarType('BigInt', GraphQLBigInt)
  builder.addScalarType('Decimal', GraphQLDecimal)
}

/** The output scalar of a field type (dates and times are ISO strings). */
export function scalarOf(type: FieldType): ScalarName {
  switch (type) {
    case 'integer':
      return 'Int'
    case 'bigInteger':
      return 'BigInt'
    case 'float':
      return 'Float'
    case 'decimal':
      return 'Decimal'
    case 'boolean':
      return 'Boolean'
    case 'json':
      return 'JSON'
    default:
      return 'String'
  }
}
