// The one place zod issues of the items query become the errors users see: INVALID_QUERY, or
// INVALID_FILTER for a filter that is not an object, naming the parameter's path.
import type { BacklexError } from '@backlex/kernel'
import type { z } from 'zod'
import { ITEMS_QUERY_PARAMETERS } from '../../contract.js'
import { ItemsErrors } from '../errors.js'
import { GIVEN_TWICE } from './schema.js'

type Issue = z.core.$ZodIssue
type Path = readonly PropertyKey[]

const KNOWN: ReadonlySet<string> = new Set(ITEMS_QUERY_PARAMETERS)
const UNKNOWN = `unknown query parameter; known: ${ITEMS_QUERY_PARAMETERS.join(', ')}`

/** The parameter an issue is about, for ordering: the key itself for an unknown key. */
const keyOf = (issue: Issue) =>
  String(issue.code === 'unrecognized_keys' ? issue.keys[0] : (issue.path[0] ?? ''))

/**
 * The issue users are told about: the first in the order the parameters were given, as one reads
 * them. (A problem between parameters, `page` with `offset`, is only looked for when there is no
 * other.)
 */
function firstIssue(issues: readonly Issue[], raw: unknown): Issue {
  if (issues.length === 1) return issues[0] as Issue
  const order =
    typeof raw === 'object' && raw !== null ? Object.keys(raw as Record<string, unknown>) : []
  const rank = (issue: Issue) => order.indexOf(keyOf(issue))
  let best = issues[0] as Issue
  for (const issue of issues) if (rank(issue) < rank(best)) best = issue
  return best
}

/**
 * Where inside a value that matched none of its spellings it went wrong: the branch that got
 * furthest (`fields: ['a', 1]` is `fields.1: expected a string`), else the value's own message.
 */
function innermost(issue: Issue, prefix: Path): { path: Path; issue: Issue } {
  const path = [...prefix, ...issue.path]
  if (issue.code !== 'invalid_union') return { path, issue }
  let deepest: Issue | undefined
  for (const branch of issue.errors) {
    for (const inner of branch) {
      if (inner.path.length > (deepest?.path.length ?? 0)) deepest = inner
    }
  }
  return deepest ? innermost(deepest, path) : { path, issue }
}

/** `filter` given as neither an object nor text (the schema's own check): INVALID_FILTER. */
const isFilter = (path: Path, issue: Issue) =>
  path.length === 1 && path[0] === 'filter' && issue.message !== GIVEN_TWICE

/** Whether an issue is about the query's parameters (not, say, a tool's `collection`). */
export const isQueryIssue = (issue: Issue) =>
  issue.code === 'unrecognized_keys' || KNOWN.has(String(issue.path[0]))

/**
 * The error for a query the schema refused; `raw` is what was given, to name the first problem.
 * @example
 * const parsed = itemsQueryInput.safeParse(raw)
 * if (!parsed.success) throw queryError(parsed.error.issues, raw)
 */
export function queryError(issues: readonly Issue[], raw: unknown): BacklexError {
  const first = firstIssue(issues, raw)
  if (first.code === 'unrecognized_keys') return ItemsErrors.INVALID_QUERY(keyOf(first), UNKNOWN)
  const { path, issue } = innermost(first, [])
  const at = path.map(String).join('.')
  const filter =
    (issue.code === 'custom' && issue.params?.kind === 'filter') || isFilter(path, issue)
  return filter
    ? ItemsErrors.INVALID_FILTER(at, issue.message)
    : ItemsErrors.INVALID_QUERY(at, issue.message)
}
