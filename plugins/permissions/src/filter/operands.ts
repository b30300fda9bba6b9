// Turns operands into their values at execution: literals are ready, variables are evaluated and
// coerced with the same rules as literals. The SQL compiler and the matcher both read values here,
// so a variable can never mean one thing in SQL and another in JavaScript.
import type { Operand } from './ast.js'
import { type CanonicalValue, coerceValue, type ValueDomain } from './field-types.js'
import { evaluateVariable, type FilterVariables } from './variables.js'

/** An operand's value for some variables; null when a variable resolves to nothing usable (SQL NULL). */
export type OperandGetter = (variables: FilterVariables) => CanonicalValue | null

export function operandGetter(operand: Operand, domain: ValueDomain): OperandGetter {
  if (operand.kind === 'value') {
    const { value } = operand
    return () => value
  }
  return (variables) => {
    const raw = evaluateVariable(operand, variables)
    return Array.isArray(raw) ? null : (coerceValue(domain, raw) ?? null)
  }
}

/** The values of an `_in` / `_nin` list. A NULL item makes `_nin` unknown, as in SQL. */
export interface ListValues {
  readonly values: readonly CanonicalValue[]
  readonly hasNull: boolean
}

/** Values of a list operand; array-valued variables (`$CURRENT_ROLES`) contribute every item. */
export function listGetter(
  operands: readonly Operand[],
  domain: ValueDomain,
): (variables: FilterVariables) => ListValues {
  if (operands.every((o) => o.kind === 'value')) {
    const fixed: ListValues = {
      values: operands.map((o) => (o as { value: CanonicalValue }).value),
      hasNull: false,
    }
    return () => fixed
  }
  return (variables) => {
    const values: CanonicalValue[] = []
    let hasNull = false
    const add = (raw: unknown) => {
      const value = coerceValue(domain, raw)
      if (value === undefined) hasNull = true
      else values.push(value)
    }
    for (const operand of operands) {
      if (operand.kind === 'value') {
        values.push(operand.value)
        continue
      }
      const raw = evaluateVariable(operand, variables)
      if (Array.isArray(raw)) for (const item of raw) add(item)
      else add(raw)
    }
    return { values, hasNull }
  }
}
