// Fused predicates for the hottest conditions (comparisons with a literal, `$CURRENT_USER`
// equality): one closure that reads the field and compares, with no inner calls when the row holds
// the field's usual JavaScript type. Realtime runs thousands of these per event.
import type { ConditionNode, Operand } from './ast.js'
import { type CanonicalValue, MAX_INSTANT, MIN_INSTANT, type ValueDomain } from './field-types.js'
import type { Row, RowPredicate } from './match.js'
import { operandGetter } from './operands.js'
import { compareText } from './text.js'

type Read = (value: unknown) => CanonicalValue | null

/**
 * A fused predicate for `node`, or undefined when the generic one must be used. `slow` reads any
 * other representation (pg's numeric strings, SQLite's 0/1, bigints) exactly as the generic
 * matcher does, so both give the same answer.
 */
export function fastConditionMatcher(
  node: ConditionNode,
  domain: ValueDomain,
  slow: Read,
): RowPredicate | undefined {
  const { field, operator } = node
  const operand: Operand | undefined = node.operands[0]
  if (domain === 'text' || domain === 'uuid') {
    if (operand?.kind === 'variable' && (operator === '_eq' || operator === '_neq')) {
      const get = operandGetter(operand, domain)
      const eq = operator === '_eq'
      return (row: Row, vars) => {
        const raw = row[field]
        const v = typeof raw === 'string' ? raw : raw == null ? null : slow(raw)
        if (v === null) return false
        const o = get(vars)
        return o !== null && (v === o) === eq
      }
    }
    if (operand?.kind !== 'value' || typeof operand.value !== 'string') return undefined
    const o = operand.value
    const read = (raw: unknown) => (raw == null ? null : slow(raw))
    switch (operator) {
      case '_eq':
        return (row) => {
          const raw = row[field]
          return typeof raw === 'string' ? raw === o : read(raw) === o
        }
      case '_neq':
        return (row) => {
          const raw = row[field]
          const v = typeof raw === 'string' ? raw : read(raw)
          return v !== null && v !== o
        }
      case '_lt':
      case '_lte':
      case '_gt':
      case '_gte': {
        const [below, equal, above] = orderOutcomes(operator)
        return (row) => {
          const raw = row[field]
          const v = typeof raw === 'string' ? raw : read(raw)
          if (v === null) return false
          const c = compareText(v as string, o)
          return c < 0 ? below : c > 0 ? above : equal
        }
      }
      default:
        return undefined
    }
  }
  if (domain === 'number') {
    if (operand?.kind !== 'value' || typeof operand.value !== 'number') return undefined
    const o = operand.value
    const read = (raw: unknown) => (raw == null ? null : (slow(raw) as number | null))
    const num = (raw: unknown) => (typeof raw === 'number' && !Number.isNaN(raw) ? raw : read(raw))
    switch (operator) {
      case '_eq':
        return (row) => num(row[field]) === o
      case '_neq':
        return (row) => {
          const v = num(row[field])
          return v !== null && v !== o
        }
      case '_lt':
        return (row) => {
          const v = num(row[field])
          return v !== null && v < o
        }
      case '_lte':
        return (row) => {
          const v = num(row[field])
          return v !== null && v <= o
        }
      case '_gt':
        return (row) => {
          const v = num(row[field])
          return v !== null && v > o
        }
      case '_gte':
        return (row) => {
          const v = num(row[field])
          return v !== null && v >= o
        }
      default:
        return undefined
    }
  }
  if (domain === 'instant' && ORDER.has(operator) && operand) {
    const [below, equal, above] = orderOutcomes(operator as '_lt' | '_lte' | '_gt' | '_gte')
    const test = (v: number, o: number) => (v < o ? below : v > o ? above : equal)
    if (operand.kind === 'value' && typeof operand.value === 'number') {
      const o = operand.value
      return (row) => {
        const v = slow(row[field]) as number | null
        return v !== null && test(v, o)
      }
    }
    // $NOW and $NOW(±n unit) for fixed-length units: plain arithmetic on the bound instant.
    const shift = operand.kind === 'variable' && operand.name === 'NOW' ? fixedShift(operand) : null
    if (shift !== null) {
      return (row, vars) => {
        const v = slow(row[field]) as number | null
        const o = vars.now.getTime() + shift
        // Out of the years 1..9999 the instant is not a value (as in coerceValue): no match.
        return v !== null && o >= MIN_INSTANT && o <= MAX_INSTANT && test(v, o)
      }
    }
  }
  return undefined
}

const ORDER: ReadonlySet<string> = new Set(['_lt', '_lte', '_gt', '_gte'])
const FIXED_UNITS: Partial<Record<string, number>> = {
  millisecond: 1,
  second: 1000,
  minute: 60_000,
  hour: 3_600_000,
  day: 86_400_000,
  week: 604_800_000,
}

/** Milliseconds a `$NOW` offset adds, or null for calendar units (months, years). */
function fixedShift(operand: Operand & { kind: 'variable' }): number | null {
  if (!operand.offset) return 0
  const unit = FIXED_UNITS[operand.offset.unit]
  return unit === undefined ? null : operand.offset.amount * unit
}

/** [result when the row value is below, equal to, above the operand]. */
function orderOutcomes(operator: '_lt' | '_lte' | '_gt' | '_gte'): [boolean, boolean, boolean] {
  switch (operator) {
    case '_lt':
      return [true, false, false]
    case '_lte':
      return [true, true, false]
    case '_gt':
      return [false, false, true]
    case '_gte':
      return [false, true, true]
  }
}
