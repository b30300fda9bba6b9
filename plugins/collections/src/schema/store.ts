// Reads and writes rows of backlex_collections_collections; the definition is JSON text.
import type { Kysely } from 'kysely'
import type { CollectionDefinition } from './definition.js'
import { COLLECTIONS_TABLE } from './migrations.js'

interface Row {
  workspace: string
  slug: string
  kind: string
  table_name: string
  definition: string
  archived_at: string | Date | null
  created_at: string | Date
  updated_at: string | Date
}

/** The part of a definition kept in the JSON column. */
type StoredBody = Pick<CollectionDefinition, 'primaryKey' | 'fields' | 'relations' | 'note'>

const iso = (value: string | Date): string =>
  value instanceof Date ? value.toISOString() : new Date(value).toISOString()

function fromRow(row: Row): CollectionDefinition {
  const body = JSON.parse(row.definition) as StoredBody
  return {
    workspace: row.workspace,
    slug: row.slug,
    kind: row.kind === 'adopted' ? 'adopted' : 'managed',
    table: row.table_name,
    primaryKey: body.primaryKey,
    fields: body.fields,
    relations: body.relations,
    ...(body.note === undefined ? {} : { note: body.note }),
    archivedAt: row.archived_at === null ? null : iso(row.archived_at),
    createdAt: iso(row.created_at),
    updatedAt: iso(row.updated_at),
  }
}

function body(def: CollectionDefinition): string {
  const stored: StoredBody = {
    primaryKey: def.primaryKey,
    fields: def.fields,
    relations: def.relations,
    ...(def.note === undefined ? {} : { note: def.note }),
  }
  return JSON.stringify(stored)
}

// biome-ignore lint/suspicious/noExplicitAny: the Database contract's Kysely has an open schema
export type AnyDb = Kysely<any>

/** Metadata rows; timestamps are ISO text, which pg also takes for timestamptz. */
export function createCollectionStore() {
  return {
    async list(db: AnyDb, workspace: string): Promise<CollectionDefinition[]> {
      const rows = (await db
        .selectFrom(COLLECTIONS_TABLE)
        .selectAll()
        .where('workspace', '=', workspace)
        .orderBy('slug')
        .execute()) as Row[]
      return rows.map(fromRow)
    },
    async get(
      db: AnyDb,
      workspace: string,
      slug: string,
    ): Promise<CollectionDefinition | undefined> {
      const row = (await db
        .selectFrom(COLLECTIONS_TABLE)
        .selectAll()
        .where('workspace', '=', workspace)
        .where('slug', '=', slug)
        .executeTakeFirst()) as Row | undefined
      return row && fromRow(row)
    },
    /** PostgreSQL only: locks the collection's row until the transaction ends. */
    async lock(db: AnyDb, workspace: string, slug: string): Promise<void> {
      await db
        .selectFrom(COLLECTIONS_TABLE)
        .select('slug')
        .where('workspace', '=', workspace)
        .where('slug', '=', slug)
        .forUpdate()
        .execute()
    },
    /** The collection (of any workspace) wrapping `table`, if one does. */
    async byTable(
      db: AnyDb,
      table: string,
    ): Promise<{ workspace: string; slug: string } | undefined> {
      return (await db
        .selectFrom(COLLECTIONS_TABLE)
        .select(['workspace', 'slug'])
        .where('table_name', '=', table)
        .executeTakeFirst()) as { workspace: string; slug: string } | undefined
    },
    async insert(db: AnyDb, def: CollectionDefinition): Promise<void> {
      await db
        .insertInto(COLLECTIONS_TABLE)
        .values({
          workspace: def.workspace,
          slug: def.slug,
          kind: def.kind,
          table_name: def.table,
          definition: body(def),
          archived_at: def.archivedAt,
          created_at: def.createdAt,
          updated_at: def.updatedAt,
        })
        .execute()
    },
    async update(db: AnyDb, def: CollectionDefinition): Promise<void> {
      await db
        .updateTable(COLLECTIONS_TABLE)
        .set({
          definition: body(def),
          archived_at: def.archivedAt,
          updated_at: def.updatedAt,
        })
        .where('workspace', '=', def.workspace)
        .where('slug', '=', def.slug)
        .execute()
    },
    async remove(db: AnyDb, workspace: string, slug: string): Promise<void> {
      await db
        .deleteFrom(COLLECTIONS_TABLE)
        .where('workspace', '=', workspace)
        .where('slug', '=', slug)
        .execute()
    },
  }
}

export type CollectionStore = ReturnType<typeof createCollectionStore>
