// Scalars the generated schema adds to GraphQL's own: JSON values, big integers and decimals
// (both kept exact: a decimal travels as a string, a big integer as a number when it is safe).
import type { FieldType } from '@backlex/collections'
import {
  GraphQLBoolean,
  GraphQLError,
  GraphQLFloat,
  GraphQLInt,
  GraphQLScalarType,
  GraphQLString,
  Kind,
  type ValueNode,
  valueFromASTUntyped,
} from 'graphql'

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

/** The output scalar of a field type (dates and times are ISO strings). */
export function scalarOf(type: FieldType): GraphQLScalarType {
  switch (type) {
    case 'integer':
      return GraphQLInt
    case 'bigInteger':
      return GraphQLBigInt
    case 'float':
      return GraphQLFloat
    case 'decimal':
      return GraphQLDecimal
    case 'boolean':
      return GraphQLBoolean
    case 'json':
      return GraphQLJSON
    default:
      return GraphQLString
  }
}
