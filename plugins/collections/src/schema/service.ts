// The Collections service: schema changes in one transaction each (DDL + metadata), a
// metadata cache per workspace, and change broadcast to every instance through PubSub.
import {
  isBacklexError,
  type LoggerAdapter,
  type PubSubAdapter,
  type SqlDialect,
  zodIssues,
} from '@backlex/kernel'
import type { PermissionsService } from '@backlex/permissions'
import type { ZodError } from 'zod'
import { ADOPTABLE_NAME, completeJunctions, planAdopt } from '../adopt/adopt.js'
import { AdoptErrors } from '../adopt/errors.js'
import { inspectTable, isCandidateTable, listTables, tableExists } from '../adopt/introspect.js'
import type { CollectionChange, CollectionsService } from '../contract.js'
import { planCreateManaged } from './create.js'
import { dropTable } from './ddl.js'
import { type CollectionDefinition, collectionInput } from './definition.js'
import { CollectionsErrors } from './errors.js'
import { collectionPatch, planPatch, type SchemaPlan } from './patch.js'
import { type AnyDb, createCollectionStore } from './store.js'
import type { CollectionLookup } from './validate.js'
import { visibleCollections } from './visible.js'

export interface CollectionsRuntime extends CollectionsService {
  /** Listens for changes made on other instances. */
  start(): Promise<void>
  stop(): Promise<void>
}

export interface CollectionsDeps {
  db: AnyDb
  dialect: SqlDialect
  /** Whether the database runs interactive transactions (D1 does not). */
  transactions: boolean
  pubsub: PubSubAdapter | undefined
  permissions: () => PermissionsService | undefined
  logger: LoggerAdapter
  channel: string
  now?: () => Date
}

type Snapshot = Map<string, CollectionDefinition>

const message = (error: unknown) => (error instanceof Error ? error.message : String(error))

/** A lookup over the live (not archived) collections of a snapshot. */
function liveLookup(all: readonly CollectionDefinition[]): CollectionLookup {
  return (slug) => all.find((c) => c.slug === slug && c.archivedAt === null)
}

export function createCollectionsService(deps: CollectionsDeps): CollectionsRuntime {
  const { db, dialect, logger } = deps
  const store = createCollectionStore()
  const origin = crypto.randomUUID()
  const cache = new Map<string, Promise<Snapshot>>()
  const versions = new Map<string, number>()
  const listeners = new Set<(event: CollectionChange) => void>()
  let unsubscribe: (() => Promise<void>) | undefined
  const now = () => (deps.now ? deps.now() : new Date()).toISOString()

  function snapshot(workspace: string): Promise<Snapshot> {
    const hit = cache.get(workspace)
    if (hit) return hit
    const loading = store
      .list(db, workspace)
      .then((all) => new Map(all.map((c) => [c.slug, c] as const)))
    cache.set(workspace, loading)
    loading.catch(() => cache.get(workspace) === loading && cache.delete(workspace))
    return loading
  }

  /** Drops the cache of the workspace and tells listeners; runs on every instance. */
  function applyChange(event: CollectionChange) {
    cache.delete(event.workspace)
    versions.set(event.workspace, (versions.get(event.workspace) ?? 0) + 1)
    try {
      deps.permissions()?.invalidate(event.workspace)
    } catch (error) {
      logger.warn('could not invalidate cached permissions', { error: message(error) })
    }
    for (const listener of listeners) {
      try {
        listener(event)
      } catch (error) {
        logger.error('a collections change listener failed', { error: message(error) })
      }
    }
  }

  async function changed(event: CollectionChange) {
    // This instance applies its own change at once; the others through PubSub.
    applyChange(event)
    if (!deps.pubsub) return
    try {
      await deps.pubsub.publish(deps.channel, { ...event, origin })
    } catch (error) {
      logger.error('could not tell other instances about a schema change', {
        error: message(error),
      })
    }
  }

  /** Runs `work` in one transaction (DDL included); database errors become SCHEMA_CHANGE_FAILED. */
  async function atomic<T>(slug: string, work: (trx: AnyDb) => Promise<T>): Promise<T> {
    try {
      if (!deps.transactions) return await work(db)
      return await db.transaction().execute((trx) => work(trx))
    } catch (error) {
      if (isBacklexError(error)) throw error
      logger.warn('schema change refused by the database', { slug, error: message(error) })
      throw CollectionsErrors.SCHEMA_CHANGE_FAILED(slug, databaseReason(error), error)
    }
  }

  async function applyPlan(trx: AnyDb, plan: SchemaPlan) {
    for (const table of plan.creates)
      if (await tableExists(trx, dialect, table)) throw CollectionsErrors.TABLE_EXISTS(table)
    for (const table of plan.requires)
      if (!(await tableExists(trx, dialect, table))) throw AdoptErrors.TABLE_NOT_FOUND(table)
    for (const statement of plan.statements) await statement.execute(trx)
  }

  /**
   * The collection from the database (not the cache): decisions inside a change read fresh.
   * On PostgreSQL its row is locked, so concurrent changes to one collection run one at a time
   * (SQLite transactions already do).
   */
  async function current(trx: AnyDb, workspace: string, slug: string) {
    if (dialect === 'postgres' && deps.transactions) await store.lock(trx, workspace, slug)
    const all = await store.list(trx, workspace)
    const found = all.find((c) => c.slug === slug)
    return { all, found }
  }

  async function inspectAdoptable(trx: AnyDb, table: string) {
    if (!ADOPTABLE_NAME.test(table) || !isCandidateTable(table))
      throw AdoptErrors.TABLE_NOT_FOUND(table)
    const inspection = await inspectTable(trx, dialect, table)
    if (!inspection) throw AdoptErrors.TABLE_NOT_FOUND(table)
    return inspection
  }

  const service: CollectionsRuntime = {
    async get(workspace, slug, options) {
      const found = (await snapshot(workspace)).get(slug)
      if (!found || (found.archivedAt !== null && !options?.includeArchived)) return undefined
      return found
    },
    async list(workspace, options) {
      const all = [...(await snapshot(workspace)).values()]
      return options?.includeArchived ? all : all.filter((c) => c.archivedAt === null)
    },
    async visibleTo(principal, workspace) {
      const permissions = deps.permissions()
      return visibleCollections(
        await service.list(workspace),
        principal,
        permissions &&
          ((collection, action) =>
            permissions.rulesFor(principal, { workspace, collection, action })),
        dialect,
      )
    },
    async version(workspace) {
      return versions.get(workspace) ?? 0
    },
    onChange(listener) {
      listeners.add(listener)
      return () => {
        listeners.delete(listener)
      }
    },

    async create(workspace, raw) {
      const parsed = collectionInput.safeParse(raw)
      if (!parsed.success) throw invalid(parsed.error)
      const input = parsed.data
      const def = await atomic(input.slug, async (trx) => {
        const { all, found } = await current(trx, workspace, input.slug)
        if (found) throw CollectionsErrors.COLLECTION_EXISTS(input.slug)
        const options = { lookup: liveLookup(all), all, dialect, now: now() }
        let plan: SchemaPlan
        if (input.kind === 'adopted') {
          const inspection = await inspectAdoptable(trx, input.table)
          const owner = await store.byTable(trx, inspection.table)
          if (owner) throw AdoptErrors.TABLE_ALREADY_ADOPTED(inspection.table, owner.slug)
          const relations = await completeJunctions(
            trx,
            dialect,
            { slug: input.slug, table: inspection.table },
            input.relations,
            options.lookup,
          )
          plan = planAdopt(workspace, { ...input, relations }, inspection, options)
        } else {
          plan = planCreateManaged(workspace, input, options)
        }
        // The metadata row first: a concurrent create of the same slug waits on its key and
        // then fails as COLLECTION_EXISTS, instead of racing on CREATE TABLE.
        try {
          await store.insert(trx, plan.def)
        } catch (error) {
          if (/unique|duplicate|primary key/i.test(message(error)))
            throw CollectionsErrors.COLLECTION_EXISTS(input.slug)
          throw error
        }
        await applyPlan(trx, plan)
        return plan.def
      })
      await changed({ workspace, slug: def.slug, action: 'create' })
      return def
    },

    async update(workspace, slug, raw) {
      const parsed = collectionPatch.safeParse(raw ?? {})
      if (!parsed.success) throw invalid(parsed.error)
      const def = await atomic(slug, async (trx) => {
        const { all, found } = await current(trx, workspace, slug)
        if (!found) throw CollectionsErrors.COLLECTION_NOT_FOUND(slug)
        if (found.archivedAt !== null) throw CollectionsErrors.COLLECTION_ARCHIVED(slug)
        let columns: Set<string> | undefined
        let patch = parsed.data
        if (found.kind === 'adopted') {
          const inspection = await inspectTable(trx, dialect, found.table)
          if (!inspection) throw AdoptErrors.TABLE_NOT_FOUND(found.table)
          columns = new Set(inspection.columns.map((c) => c.name))
          const relations = await completeJunctions(
            trx,
            dialect,
            found,
            patch.relations,
            liveLookup(all),
          )
          patch = { ...patch, relations }
        }
        const plan = planPatch(found, patch, {
          lookup: liveLookup(all),
          all: all.filter((c) => c.slug !== slug),
          dialect,
          now: now(),
          ...(columns ? { columns } : {}),
        })
        await applyPlan(trx, plan)
        await store.update(trx, plan.def)
        return plan.def
      })
      await changed({ workspace, slug, action: 'update' })
      return def
    },

    async remove(workspace, slug) {
      const result = await atomic(slug, async (trx) => {
        const { all, found } = await current(trx, workspace, slug)
        if (!found || found.archivedAt !== null) throw CollectionsErrors.COLLECTION_NOT_FOUND(slug)
        const users = all
          .filter((c) => c.slug !== slug && c.relations.some((r) => r.collection === slug))
          .map((c) => c.slug)
        if (users.length > 0) throw CollectionsErrors.COLLECTION_IN_USE(slug, users)
        if (found.kind === 'adopted') {
          const stamp = now()
          await store.update(trx, { ...found, archivedAt: stamp, updatedAt: stamp })
          return 'archived' as const
        }
        // Junctions first: they reference the collection's table.
        for (const relation of found.relations)
          if (relation.type === 'm2m' && relation.junction)
            await dropTable(relation.junction).execute(trx)
        await dropTable(found.table).execute(trx)
        await store.remove(trx, workspace, slug)
        return 'dropped' as const
      })
      await changed({ workspace, slug, action: 'delete' })
      return { slug, result }
    },

    async restore(workspace, slug) {
      const def = await atomic(slug, async (trx) => {
        const { all, found } = await current(trx, workspace, slug)
        if (!found) throw CollectionsErrors.COLLECTION_NOT_FOUND(slug)
        if (found.archivedAt === null) throw CollectionsErrors.COLLECTION_NOT_ARCHIVED(slug)
        if (!(await tableExists(trx, dialect, found.table)))
          throw AdoptErrors.TABLE_NOT_FOUND(found.table)
        // Its relations must still have live targets.
        const lookup = liveLookup(all)
        for (const relation of found.relations)
          if (relation.collection !== slug && !lookup(relation.collection))
            throw CollectionsErrors.INVALID_RELATION(
              relation.field,
              `there is no collection "${relation.collection}"`,
            )
        const restored = { ...found, archivedAt: null, updatedAt: now() }
        await store.update(trx, restored)
        return restored
      })
      await changed({ workspace, slug, action: 'restore' })
      return def
    },

    async adoptableTables() {
      const tables = (await listTables(db, dialect)).filter(isCandidateTable)
      const out = []
      for (const table of tables) {
        const owner = await store.byTable(db, table)
        out.push({ table, adoptedAs: owner ?? null, supported: ADOPTABLE_NAME.test(table) })
      }
      return out
    },

    async inspectTable(table) {
      return inspectAdoptable(db, table)
    },

    async start() {
      if (!deps.pubsub) return
      unsubscribe = await deps.pubsub.subscribe(deps.channel, (raw) => {
        const event = raw as Partial<CollectionChange> & { origin?: string }
        if (event.origin === origin || typeof event.workspace !== 'string') return
        applyChange({
          workspace: event.workspace,
          slug: String(event.slug ?? ''),
          action: event.action ?? 'update',
        })
      })
    },
    async stop() {
      await unsubscribe?.()
      unsubscribe = undefined
    },
  }
  return service
}

function invalid(error: ZodError) {
  const issues = zodIssues(error)
  const reason = issues.map((i) => (i.path ? `${i.path}: ${i.message}` : i.message)).join('; ')
  return CollectionsErrors.INVALID_COLLECTION(reason, issues)
}

/** A short, SQL-free reason for a refused change (no statement text reaches the client). */
function databaseReason(error: unknown): string {
  const text = message(error).toLowerCase()
  if (text.includes('unique') || text.includes('duplicate'))
    return 'existing rows have duplicate values'
  if (text.includes('not null') || text.includes('null value')) return 'existing rows have no value'
  if (text.includes('check')) return 'existing rows do not satisfy the new constraint'
  if (text.includes('foreign key')) return 'a foreign key constraint is violated'
  if (text.includes('locked') || text.includes('busy')) return 'the database is busy; retry'
  return 'the database rejected the change'
}
