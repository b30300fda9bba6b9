// The GraphQL types of one collection as one caller sees it, added to a schema's Pothos builder:
// the object type, its filter input, field enum, aggregate type and write inputs. Only readable
// fields appear; relations to collections the caller cannot read fall back to the key
// (many-to-one) or disappear (lists).
import type { CollectionDefinition, FieldType, RelationDefinition } from '@backlex/collections'
import type { EnumRef, InputObjectRef, ObjectRef } from '@pothos/core'
import type { CollectionObjectRef, GraphQLBuilder, GraphQLSchemaTypes } from '../contract.js'
import { operatorInputs } from './operators.js'
import { type ScalarName, scalarOf } from './scalars.js'
import { type CollectionView, keyType, type SchemaView } from './view.js'

type Types = GraphQLSchemaTypes
type Input = InputObjectRef<Types, Record<string, unknown>>
type Output = ObjectRef<Types, Record<string, unknown>>
type ObjectFields = PothosSchemaTypes.ObjectFieldBuilder<Types, Record<string, unknown>>
type FieldOf = ReturnType<ObjectFields['field']>
type InputFields = PothosSchemaTypes.InputFieldBuilder<Types, 'InputObject'>
type InputFieldOf = ReturnType<InputFields['field']>

export interface CollectionTypes {
  readonly view: CollectionView
  readonly object: CollectionObjectRef
  readonly filter: Input
  /** `_some` / `_none` over related rows of this collection. */
  readonly quantifier: Input
  /** Readable columns (for groupBy). */
  readonly field: EnumRef<Types, string>
  readonly aggregated: Output
  readonly createInput: Input | undefined
  readonly updateInput: Input | undefined
}

export const NUMERIC: ReadonlySet<FieldType> = new Set([
  'integer',
  'bigInteger',
  'float',
  'decimal',
])

export { keyType }

/**
 * Columns of a collection: key, plain fields and many-to-one keys, with their types. A
 * many-to-one key has its target's key type (`keyTypes` holds every collection, readable or
 * not), so GraphQL answers `3` where REST does, not `"3"`.
 */
export function columnsOf(
  def: CollectionDefinition,
  keyTypes: ReadonlyMap<string, FieldType>,
): Map<string, FieldType> {
  const columns = new Map<string, FieldType>([[def.primaryKey.name, keyType(def)]])
  for (const field of def.fields) columns.set(field.name, field.type)
  for (const relation of def.relations) {
    if (relation.type !== 'm2o') continue
    const target =
      relation.collection === def.slug ? keyType(def) : keyTypes.get(relation.collection)
    columns.set(relation.field, target ?? 'string')
  }
  return columns
}

/**
 * A field read straight off the row: Pothos leaves exposed fields to graphql-js' default
 * resolver, so a generated column costs no resolver call, as before. Rows are untyped records
 * here (their shape is the live collection's), hence the casts.
 */
function exposed(
  t: ObjectFields,
  name: string,
  options: {
    type: ScalarName | Output | [Output]
    nullable: boolean
    args?: object
    description?: string
  },
): FieldOf {
  return t.expose(name as never, options as never) as FieldOf
}

/**
 * Adds the types of every readable collection of `view` to `builder`; types refer to each other
 * lazily. `generated` collects the names added (everything else is contributed).
 * @example
 * const types = collectionTypes(builder, view, new Set())
 * types.get('articles')?.object // the `articles` object type
 */
export function collectionTypes(
  builder: GraphQLBuilder,
  view: SchemaView,
  generated: Set<string>,
): Map<string, CollectionTypes> {
  const all = new Map<string, CollectionTypes>()
  const readable = (relation: RelationDefinition) => all.get(relation.collection)
  const operators = operatorInputs(builder, generated)

  for (const [slug, cv] of view.collections) {
    const def = cv.definition
    const columns = columnsOf(def, view.keyTypes)
    const visible = [...columns].filter(([name]) => cv.read.has(name))
    const relations = def.relations.filter((r) => cv.read.has(r.field))
    // Operator inputs are added before any fields are built (Pothos collects types up front).
    const operatorOf = new Map(visible.map(([name, type]) => [name, operators.of(type)]))

    const object = builder.objectRef<Record<string, unknown>>(slug)
    const filter = builder.inputRef<Record<string, unknown>>(`${slug}Filter`) as Input
    const quantifier = builder.inputRef<Record<string, unknown>>(`${slug}Quantifier`) as Input

    object.implement({
      ...(def.note ? { description: def.note } : {}),
      fields: (t) => {
        const fields: Record<string, FieldOf> = {}
        for (const [name, type] of visible) {
          fields[name] = exposed(t, name, {
            type: scalarOf(type),
            nullable: name !== def.primaryKey.name,
          })
        }
        for (const relation of relations) {
          const target = readable(relation)
          if (!target) continue
          fields[relation.field] =
            relation.type === 'm2o'
              ? exposed(t, relation.field, { type: target.object as Output, nullable: true })
              : exposed(t, relation.field, {
                  type: [target.object as Output],
                  nullable: false,
                  args: {
                    filter: t.arg({ type: target.filter }),
                    sort: t.arg({ type: ['String'], description: 'e.g. ["-id"]' }),
                    limit: t.arg.int(),
                    offset: t.arg.int(),
                  },
                })
        }
        return fields
      },
    })

    builder.inputType(filter, {
      fields: (t) => {
        const fields: Record<string, InputFieldOf> = {
          _and: t.field({ type: [filter] }),
          _or: t.field({ type: [filter] }),
        }
        for (const [name, input] of operatorOf) fields[name] = t.field({ type: input })
        for (const relation of relations) {
          const target = readable(relation)
          if (!target) continue
          fields[relation.field] = t.field({
            type: relation.type === 'm2o' ? target.filter : target.quantifier,
          })
        }
        return fields
      },
    })
    builder.inputType(quantifier, {
      description: `Related ${slug} rows: _some (at least one matches) or _none (none matches).`,
      fields: (t) => ({ _some: t.field({ type: filter }), _none: t.field({ type: filter }) }),
    })

    const field = builder.enumType(`${slug}Field`, {
      values: Object.fromEntries(visible.map(([name]) => [name, { value: name }])),
    }) as EnumRef<Types, string>

    const measure = (name: string, pick: (type: FieldType) => ScalarName | undefined) => {
      const entries = visible.flatMap(([column, type]) => {
        const out = pick(type)
        return out ? [[column, out] as const] : []
      })
      if (entries.length === 0) return undefined
      generated.add(`${slug}${name}`)
      return builder.objectRef<Record<string, unknown>>(`${slug}${name}`).implement({
        fields: (t) =>
          Object.fromEntries(
            entries.map(([column, type]) => [column, exposed(t, column, { type, nullable: true })]),
          ),
      }) as Output
    }
    const counts = measure('AggregateCount', () => 'Int')
    const numbers = measure('AggregateNumbers', (t) => (NUMERIC.has(t) ? 'Float' : undefined))
    const values = measure('AggregateValues', (t) =>
      t === 'json' || t === 'boolean' ? undefined : scalarOf(t),
    )
    const aggregated = builder.objectRef<Record<string, unknown>>(`${slug}Aggregated`).implement({
      fields: (t) => {
        const fields: Record<string, FieldOf> = {
          group: exposed(t, 'group', {
            type: 'JSON',
            nullable: true,
            description: 'The values of the groupBy fields of this group.',
          }),
          countAll: exposed(t, 'countAll', {
            type: 'Int',
            nullable: true,
            description: 'Rows in the group.',
          }),
        }
        const add = (names: readonly string[], type: Output | undefined) => {
          if (!type) return
          for (const name of names) fields[name] = exposed(t, name, { type, nullable: true })
        }
        add(['count', 'countDistinct'], counts)
        add(['sum', 'sumDistinct', 'avg', 'avgDistinct'], numbers)
        add(['min', 'max'], values)
        return fields
      },
    }) as Output

    const input = (name: string, allowed: ReadonlySet<string> | null) => {
      if (!allowed) return undefined
      const entries: [string, ScalarName][] = []
      for (const [column, type] of columns) {
        const auto = column === def.primaryKey.name && def.primaryKey.type === 'integer'
        if (allowed.has(column) && !auto) entries.push([column, scalarOf(type)])
      }
      if (entries.length === 0) return undefined
      generated.add(`${slug}${name}`)
      return builder.inputType(`${slug}${name}`, {
        fields: (t) =>
          Object.fromEntries(entries.map(([column, type]) => [column, t.field({ type })])),
      }) as Input
    }

    for (const suffix of ['', 'Filter', 'Quantifier', 'Field', 'Aggregated']) {
      generated.add(`${slug}${suffix}`)
    }
    all.set(slug, {
      view: cv,
      object: object as unknown as CollectionObjectRef,
      filter,
      quantifier,
      field,
      aggregated,
      createInput: input('CreateInput', cv.create),
      updateInput: input('UpdateInput', cv.update),
    })
  }
  return all
}
