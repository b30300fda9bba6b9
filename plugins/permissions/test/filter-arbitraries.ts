// fast-check generators for the SQL-vs-JS property test: a table with one column per field type,
// rows drawn from small pools full of edge cases (NULLs, unicode, LIKE wildcards, negative and
// fractional numbers, instants around $NOW and ISO week edges), and filters over every operator,
// nesting, variable and date function (`year(ts)`, `week(d)`, `hour(tm)`, ...).
import type { Principal } from '@backlex/kernel'
import fc from 'fast-check'
import type { FilterSchema, FilterVariables } from '../src/filter/index.js'
import { OPERATOR_GROUPS, resolveVariables } from '../src/filter/index.js'

export const schema = {
  s: { type: 'string' },
  t: { type: 'text' },
  e: { type: 'enum' },
  n: { type: 'integer' },
  g: { type: 'bigInteger' },
  f: { type: 'float' },
  m: { type: 'decimal' },
  b: { type: 'boolean' },
  d: { type: 'date' },
  tm: { type: 'time' },
  ts: { type: 'timestamp' },
  dt: { type: 'datetime' },
  u: { type: 'uuid' },
  j: { type: 'json' },
} as const satisfies FilterSchema

export type Field = keyof typeof schema

export const NOW = new Date('2024-06-15T12:00:00.000Z')
const DAY = 86_400_000

// Case pairs ASCII and not (é/É, ß/ẞ, Kelvin sign, dotted/dotless i, final sigma), LIKE
// wildcards and escapes, characters above U+FFFF next to U+E000 (they order differently in UTF-16).
const CHARS = [
  'a',
  'A',
  'b',
  'B',
  'z',
  'Z',
  'é',
  'É',
  'ß',
  'ẞ',
  'i',
  'I',
  'İ',
  'ı',
  'k',
  'K',
  '\u212A',
  'σ',
  'Σ',
  'ς',
  'Ü',
  'ü',
  'Ж',
  'ж',
  'Ǆ',
  'ǅ',
  '%',
  '_',
  '\\',
  "'",
  ' ',
  '😀',
  '𝐀',
  '\uE000',
  '日',
  '0',
  '1',
  '-',
  '.',
]
const UUIDS = [
  '0b6e8f4c-3f1a-4c2e-9d5b-1a2b3c4d5e6f',
  '5f0c9e2a-7b3d-4e1f-8a6c-2d4e6f8a0b1c',
  'a1b2c3d4-e5f6-4789-abcd-ef0123456789',
  'ffffffff-0000-4000-8000-000000000000',
]

const text = fc.oneof(
  {
    weight: 5,
    arbitrary: fc.array(fc.constantFrom(...CHARS), { maxLength: 4 }).map((a) => a.join('')),
  },
  { weight: 1, arbitrary: fc.constantFrom('', 'editor', 'a', 'Abc', 'abc', '5', '10', '%_%') },
  {
    weight: 1,
    arbitrary: fc.string({ unit: 'binary', maxLength: 5 }).map((s) => s.replace(/\0/g, '')),
  },
)
const needle = fc.array(fc.constantFrom(...CHARS), { maxLength: 2 }).map((a) => a.join(''))
const integer = fc.oneof(
  fc.constantFrom(-100, -3, -1, 0, 1, 2, 3, 42),
  fc.integer({ min: -1000, max: 1000 }),
)
const big = fc.oneof(
  integer,
  fc.constantFrom(-(2 ** 40), 2 ** 40, 9007199254740991, -9007199254740991),
)
const float = fc.oneof(
  fc.constantFrom(-2.5, -1, -0.5, 0, 0.1, 0.25, 1, 1.5, 2, 2.5, 3, 1e6, -1e-3),
  fc.double({ min: -1e6, max: 1e6, noNaN: true, noDefaultInfinity: true }),
)
const decimal = fc.constantFrom(-10.5, -1, 0, 0.1, 0.3, 0.25, 2, 2.25, 2.5, 3, 99.99, 1000)
const dates = [
  '2024-06-14',
  '2024-06-15',
  '2024-06-16',
  '2024-05-15',
  '2023-06-15',
  '2024-02-29',
  '0001-01-01',
  '9999-12-31',
  // ISO week edges: 2020-12-31 and 2021-01-03 are in week 53 of 2020, 2024-12-30 in week 1 of 2025.
  '2020-12-31',
  '2021-01-03',
  '2021-01-04',
  '2024-12-30',
  '2027-01-01',
]
const date = fc.constantFrom(...dates)
const time = fc.constantFrom('00:00:00', '08:30:00', '12:00:00', '12:00:01', '23:59:59')
const offsets = [0, 1, 1000, 60_000, 3_600_000, DAY, 7 * DAY, 30 * DAY, 365 * DAY]
const instant = fc.oneof(
  fc
    .tuple(fc.constantFrom(...offsets), fc.constantFrom(-1, 1))
    .map(([o, sign]) => NOW.getTime() + sign * o),
  fc
    .date({ min: new Date('1900-01-01'), max: new Date('2100-01-01'), noInvalidDate: true })
    .map((d) => d.getTime()),
)
const edgeInstants = [
  '2021-01-03T23:59:59.999Z',
  '2021-01-04T00:00:00.000Z',
  '2024-12-30T00:00:00.500Z',
  '2024-12-29T23:59:59.000Z',
  '2016-01-01T00:00:00.000Z',
].map((s) => Date.parse(s))
const iso = fc
  .oneof(
    { weight: 6, arbitrary: instant },
    { weight: 1, arbitrary: fc.constantFrom(...edgeInstants) },
  )
  .map((t) => new Date(t).toISOString())
const uuid = fc.constantFrom(...UUIDS)

/** A row in its JSON form (what an API response or a realtime event carries). */
export type JsonRow = {
  id: number
  s: string | null
  t: string | null
  e: string | null
  n: number | null
  g: number | null
  f: number | null
  m: number | null
  b: boolean | null
  d: string | null
  tm: string | null
  ts: string | null
  dt: string | null
  u: string | null
  j: unknown
}

const nullable = <T>(arb: fc.Arbitrary<T>) => fc.option(arb, { freq: 4, nil: null })

export const rowArbitrary: fc.Arbitrary<Omit<JsonRow, 'id'>> = fc.record({
  s: nullable(text),
  t: nullable(text),
  e: nullable(fc.constantFrom('draft', 'published', 'Draft', 'archived', '')),
  n: nullable(integer),
  g: nullable(big),
  f: nullable(float),
  m: nullable(decimal),
  b: nullable(fc.boolean()),
  d: nullable(date),
  tm: nullable(time),
  ts: nullable(iso),
  dt: nullable(iso),
  u: nullable(uuid),
  j: nullable(fc.constantFrom<unknown>({ a: 1 }, [], 'x', 0)),
})

const user: Principal = {
  type: 'user',
  id: UUIDS[0] ?? null,
  userId: UUIDS[0] ?? null,
  roles: ['editor', 'a'],
  admin: false,
  attributes: {
    name: 'a',
    age: 3,
    score: '2.5',
    active: true,
    tags: ['a', 'é', 'Z'],
    born: '2024-06-14',
  },
}
const anonymous: Principal = {
  type: 'anonymous',
  id: null,
  userId: null,
  roles: ['public'],
  admin: false,
}
export const variableSets: FilterVariables[] = [
  resolveVariables(user, NOW),
  resolveVariables(anonymous, NOW),
]

const NOW_VARS = [
  '$NOW',
  '$NOW(-1 day)',
  '$NOW(+1 hour)',
  '$NOW(-1 month)',
  '$NOW(+1 year)',
  '$NOW(-1 week)',
  '$NOW(+30 s)',
]

/** Values a filter can compare a field with: literals from the row pools, sometimes variables. */
function valueFor(field: Field): fc.Arbitrary<unknown> {
  const withVars = (literal: fc.Arbitrary<unknown>, vars: string[]) =>
    fc.oneof({ weight: 4, arbitrary: literal }, { weight: 1, arbitrary: fc.constantFrom(...vars) })
  switch (schema[field].type) {
    case 'string':
    case 'text':
    case 'enum':
      return withVars(text, [
        '$CURRENT_USER.name',
        '$CURRENT_ROLE',
        '$CURRENT_USER.missing',
        '$CURRENT_USER',
      ])
    case 'integer':
      return withVars(fc.oneof(integer, integer.map(String), fc.constantFrom(2.5, -0.5)), [
        '$CURRENT_USER.age',
        '$CURRENT_USER.name',
      ])
    case 'bigInteger':
      return withVars(big, ['$CURRENT_USER.age'])
    case 'float':
      return withVars(fc.oneof(float, float.map(String)), [
        '$CURRENT_USER.score',
        '$CURRENT_USER.age',
      ])
    case 'decimal':
      return withVars(fc.oneof(decimal, fc.constantFrom(0.30000000000000004, 2.4999)), [
        '$CURRENT_USER.score',
      ])
    case 'boolean':
      return withVars(fc.constantFrom(true, false, 'true', 'false'), [
        '$CURRENT_USER.active',
        '$CURRENT_USER.name',
      ])
    case 'date':
      return withVars(date, [...NOW_VARS, '$CURRENT_USER.born'])
    case 'time':
      return withVars(fc.constantFrom('00:00', '08:30', '12:00:00', '12:00:01', '23:59:59'), [
        '$NOW',
        '$NOW(-1 hour)',
      ])
    case 'timestamp':
    case 'datetime':
      return withVars(
        fc.oneof(
          iso,
          iso.map((s) => s.replace('.000Z', 'Z')),
          date,
        ),
        NOW_VARS,
      )
    case 'uuid':
      return withVars(
        fc.oneof(
          uuid,
          uuid.map((u) => u.toUpperCase()),
        ),
        ['$CURRENT_USER', '$CURRENT_USER.id'],
      )
    case 'json':
      return fc.constant(null)
  }
}

const COMPARE = [...OPERATOR_GROUPS.compare, ...OPERATOR_GROUPS.order] as const
const FLAGS = OPERATOR_GROUPS.flags
const TEXT_OPERATORS = OPERATOR_GROUPS.text

function operatorEntry(field: Field): fc.Arbitrary<[string, unknown]> {
  const type = schema[field].type
  const value = valueFor(field)
  const flag = fc.tuple(fc.constantFrom(...FLAGS), fc.boolean()) as fc.Arbitrary<[string, unknown]>
  if (type === 'json') return flag
  const lists: fc.Arbitrary<unknown>[] = [fc.array(value, { maxLength: 4 })]
  if (type === 'string' || type === 'text') {
    lists.push(fc.constantFrom<unknown>('$CURRENT_ROLES', ['$CURRENT_USER.tags', 'zz']))
  }
  const list = fc.tuple(fc.constantFrom('_in', '_nin'), fc.oneof(...lists)) as fc.Arbitrary<
    [string, unknown]
  >
  const eq = fc.tuple(
    fc.constantFrom('_eq', '_neq'),
    fc.oneof({ weight: 9, arbitrary: value }, { weight: 1, arbitrary: fc.constant(null) }),
  )
  if (type === 'boolean') return fc.oneof(eq, list, flag) as fc.Arbitrary<[string, unknown]>
  const arbitraries: fc.Arbitrary<[string, unknown]>[] = [
    eq as fc.Arbitrary<[string, unknown]>,
    fc.tuple(fc.constantFrom(...COMPARE), value),
    list,
    fc.tuple(fc.constantFrom('_between', '_nbetween'), fc.tuple(value, value)),
    flag,
  ]
  if (type === 'string' || type === 'text' || type === 'enum' || type === 'uuid') {
    const operand =
      type === 'uuid' ? fc.oneof(needle, fc.constantFrom('0b6e', 'A1B2', '-4')) : needle
    arbitraries.push(
      fc.tuple(
        fc.constantFrom(...TEXT_OPERATORS),
        fc.oneof(
          { weight: 5, arbitrary: operand },
          { weight: 1, arbitrary: fc.constantFrom('$CURRENT_USER.name', '$CURRENT_USER.missing') },
        ),
      ),
      fc.tuple(fc.constantFrom(...TEXT_OPERATORS), operand),
    )
  }
  return fc.oneof(...arbitraries)
}

const FIELDS = Object.keys(schema) as Field[]

const DATE_PARTS = ['year', 'month', 'week', 'day', 'weekday', 'hour', 'minute', 'second'] as const
const part = fc.oneof(
  fc.constantFrom(0, 1, 2, 3, 6, 12, 15, 23, 24, 30, 31, 52, 53, 59, 1900, 2023, 2024, 2025),
  fc.integer({ min: -1, max: 60 }),
)
const partValue = fc.oneof(
  { weight: 4, arbitrary: part },
  { weight: 1, arbitrary: part.map(String) },
)
const partEntry: fc.Arbitrary<[string, unknown]> = fc.oneof(
  fc.tuple(fc.constantFrom(...COMPARE), partValue),
  fc.tuple(fc.constantFrom('_in', '_nin'), fc.array(partValue, { maxLength: 4 })),
  fc.tuple(fc.constantFrom('_between', '_nbetween'), fc.tuple(partValue, partValue)),
  fc.tuple(fc.constantFrom(...FLAGS), fc.boolean()),
)

/** `{ "year(ts)": { op: value } }`: date functions over date, date-time and time fields. */
const functionCondition: fc.Arbitrary<Record<string, unknown>> = fc
  .oneof(
    fc.tuple(fc.constantFrom(...DATE_PARTS), fc.constantFrom<Field>('ts', 'dt')),
    fc.tuple(fc.constantFrom('year', 'month', 'week', 'day', 'weekday'), fc.constant<Field>('d')),
    fc.tuple(fc.constantFrom('hour', 'minute', 'second'), fc.constant<Field>('tm')),
  )
  .chain(([fn, field]) =>
    fc.oneof(
      { weight: 4, arbitrary: partEntry.map(([op, v]) => ({ [`${fn}(${field})`]: { [op]: v } })) },
      { weight: 1, arbitrary: part.map((v) => ({ [`${fn}(${field})`]: v })) },
    ),
  )

/** `{ field: { op: value, ... } }` or a bare value (implicit `_eq`). */
const condition: fc.Arbitrary<Record<string, unknown>> = fc
  .constantFrom(...FIELDS)
  .chain((field) => {
    const withOperators = fc
      .uniqueArray(operatorEntry(field), { minLength: 1, maxLength: 2, selector: ([op]) => op })
      .map((entries) => ({ [field]: Object.fromEntries(entries) }))
    if (schema[field].type === 'json') return withOperators
    const bare = valueFor(field).map((v) => ({ [field]: v }))
    return fc.oneof({ weight: 6, arbitrary: withOperators }, { weight: 1, arbitrary: bare })
  })

/** Filters in their JSON form, nested up to four levels, with implicit `_and` between siblings. */
export const filterArbitrary: fc.Arbitrary<Record<string, unknown>> = fc.letrec((tie) => ({
  node: fc.oneof(
    { depthSize: 'small', maxDepth: 4, depthIdentifier: 'filter' },
    { weight: 4, arbitrary: condition },
    { weight: 1, arbitrary: functionCondition },
    { weight: 1, arbitrary: fc.tuple(condition, condition).map(([a, b]) => ({ ...b, ...a })) },
    {
      weight: 2,
      arbitrary: fc.array(tie('node'), { maxLength: 3 }).map((children) => ({ _and: children })),
    },
    {
      weight: 2,
      arbitrary: fc.array(tie('node'), { maxLength: 3 }).map((children) => ({ _or: children })),
    },
  ),
})).node as fc.Arbitrary<Record<string, unknown>>
