// One filter input type per value domain, holding exactly the operators the filter DSL accepts
// for that domain: the operator groups are @backlex/permissions' own (its parser is the
// reference: text operators on text and uuids, no ordering on booleans, only emptiness on JSON).
import type { FieldType } from '@backlex/collections'
import { OPERATOR_GROUPS } from '@backlex/permissions/filter'
import type { InputObjectRef } from '@pothos/core'
import type { GraphQLBuilder, GraphQLSchemaTypes } from '../contract.js'
import type { ScalarName } from './scalars.js'

const {
  compare: COMPARE,
  order: ORDER,
  list: LIST,
  range: RANGE,
  flags: FLAGS,
  text: TEXT,
} = OPERATOR_GROUPS

/** An operator input of one value domain, as built into one schema. */
export type OperatorInput = InputObjectRef<GraphQLSchemaTypes, Record<string, unknown>>

interface Domain {
  name: string
  value: ScalarName | null
  order: boolean
  text: boolean
}

const DOMAINS = {
  string: { name: 'StringFilter', value: 'String', order: true, text: true },
  int: { name: 'IntFilter', value: 'Int', order: true, text: false },
  bigInt: { name: 'BigIntFilter', value: 'BigInt', order: true, text: false },
  float: { name: 'FloatFilter', value: 'Float', order: true, text: false },
  decimal: { name: 'DecimalFilter', value: 'Decimal', order: true, text: false },
  boolean: { name: 'BooleanFilter', value: 'Boolean', order: false, text: false },
  // Dates, times and instants compare as ISO strings, which also lets `$NOW(-1 day)` through.
  temporal: { name: 'DateFilter', value: 'String', order: true, text: false },
  json: { name: 'JSONFilter', value: null, order: false, text: false },
} as const satisfies Record<string, Domain>

export type OperatorDomain = keyof typeof DOMAINS

function operatorInput(builder: GraphQLBuilder, { name, value, order, text }: Domain) {
  return builder.inputType(name, {
    description: `Operators on ${name.replace(/Filter$/, '').toLowerCase()} fields.`,
    fields: (t) => {
      const fields: Record<string, ReturnType<typeof t.field>> = {}
      if (value) {
        for (const op of COMPARE) fields[op] = t.field({ type: value })
        if (order) for (const op of ORDER) fields[op] = t.field({ type: value })
        for (const op of LIST) fields[op] = t.field({ type: [value] })
        if (order) for (const op of RANGE) fields[op] = t.field({ type: [value] })
        if (text) for (const op of TEXT) fields[op] = t.field({ type: 'String' })
      }
      for (const op of FLAGS) fields[op] = t.field({ type: 'Boolean' })
      return fields
    },
  }) as OperatorInput
}

/**
 * The operator inputs of one schema, built on first use (a schema holds only the domains its
 * collections' fields use, as graphql-js collected them from the fields before).
 * @example
 * const operators = operatorInputs(builder, generated)
 * t.field({ type: operators.of('integer') })
 */
export function operatorInputs(builder: GraphQLBuilder, generated: Set<string>) {
  const built = new Map<OperatorDomain, OperatorInput>()
  return {
    of(type: FieldType): OperatorInput {
      const domain = domainOf(type)
      let input = built.get(domain)
      if (!input) {
        input = operatorInput(builder, DOMAINS[domain])
        generated.add(DOMAINS[domain].name)
        built.set(domain, input)
      }
      return input
    },
  }
}

/** The operator domain of a field type. */
export function domainOf(type: FieldType): OperatorDomain {
  switch (type) {
    case 'string':
    case 'text':
    case 'enum':
    case 'uuid':
      return 'string'
    case 'integer':
      return 'int'
    case 'bigInteger':
      return 'bigInt'
    case 'float':
      return 'float'
    case 'decimal':
      return 'decimal'
    case 'boolean':
      return 'boolean'
    case 'json':
      return 'json'
    default:
      return 'temporal'
  }
}
