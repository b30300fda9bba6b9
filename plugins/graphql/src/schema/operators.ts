// One filter input type per value domain, holding exactly the operators the filter DSL accepts
// for that domain (@backlex/permissions' parser is the reference: text operators on text and
// uuids, no ordering on booleans, only emptiness on JSON).
import type { FieldType } from '@backlex/collections'
import {
  GraphQLBoolean,
  GraphQLFloat,
  type GraphQLInputFieldConfigMap,
  GraphQLInputObjectType,
  type GraphQLInputType,
  GraphQLInt,
  GraphQLList,
  GraphQLNonNull,
  GraphQLString,
} from 'graphql'
import { GraphQLBigInt, GraphQLDecimal } from './scalars.js'

const COMPARE = ['_eq', '_neq'] as const
const ORDER = ['_lt', '_lte', '_gt', '_gte'] as const
const LIST = ['_in', '_nin'] as const
const RANGE = ['_between', '_nbetween'] as const
const FLAGS = ['_null', '_nnull', '_empty', '_nempty'] as const
const TEXT = [
  '_contains',
  '_ncontains',
  '_icontains',
  '_nicontains',
  '_starts_with',
  '_nstarts_with',
  '_istarts_with',
  '_nistarts_with',
  '_ends_with',
  '_nends_with',
  '_iends_with',
  '_niends_with',
] as const

interface Domain {
  name: string
  value: GraphQLInputType | null
  order: boolean
  text: boolean
}

function operatorInput({ name, value, order, text }: Domain): GraphQLInputObjectType {
  return new GraphQLInputObjectType({
    name,
    description: `Operators on ${name.replace(/Filter$/, '').toLowerCase()} fields.`,
    fields: () => {
      const fields: GraphQLInputFieldConfigMap = {}
      if (value) {
        const list = new GraphQLList(new GraphQLNonNull(value))
        for (const op of COMPARE) fields[op] = { type: value }
        if (order) for (const op of ORDER) fields[op] = { type: value }
        for (const op of LIST) fields[op] = { type: list }
        if (order) for (const op of RANGE) fields[op] = { type: list }
        if (text) for (const op of TEXT) fields[op] = { type: GraphQLString }
      }
      for (const op of FLAGS) fields[op] = { type: GraphQLBoolean }
      return fields
    },
  })
}

const domains = {
  string: operatorInput({ name: 'StringFilter', value: GraphQLString, order: true, text: true }),
  int: operatorInput({ name: 'IntFilter', value: GraphQLInt, order: true, text: false }),
  bigInt: operatorInput({ name: 'BigIntFilter', value: GraphQLBigInt, order: true, text: false }),
  float: operatorInput({ name: 'FloatFilter', value: GraphQLFloat, order: true, text: false }),
  decimal: operatorInput({
    name: 'DecimalFilter',
    value: GraphQLDecimal,
    order: true,
    text: false,
  }),
  boolean: operatorInput({
    name: 'BooleanFilter',
    value: GraphQLBoolean,
    order: false,
    text: false,
  }),
  // Dates, times and instants compare as ISO strings, which also lets `$NOW(-1 day)` through.
  temporal: operatorInput({ name: 'DateFilter', value: GraphQLString, order: true, text: false }),
  json: operatorInput({ name: 'JSONFilter', value: null, order: false, text: false }),
}

/** The operator input of a field type. */
export function operatorsOf(type: FieldType): GraphQLInputObjectType {
  switch (type) {
    case 'string':
    case 'text':
    case 'enum':
    case 'uuid':
      return domains.string
    case 'integer':
      return domains.int
    case 'bigInteger':
      return domains.bigInt
    case 'float':
      return domains.float
    case 'decimal':
      return domains.decimal
    case 'boolean':
      return domains.boolean
    case 'json':
      return domains.json
    default:
      return domains.temporal
  }
}
