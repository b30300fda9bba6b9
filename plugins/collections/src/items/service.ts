// The items runtime of one kernel: caches each workspace's collection models (dropped on every
// schema change) and runs reads, writes and the audit trail as a given caller.
import type { ClockAdapter, DatabaseAdapter, EventBus, EventMeta } from '@backlex/kernel'
import type { PermissionsService } from '@backlex/permissions'
import type {
  BatchSelection,
  CollectionsService,
  ItemsCaller,
  ItemsRuntime,
  ItemsShape as Shape,
} from '../contract.js'
import type { ItemsActivityLog } from '../revisions/log.js'
import { listRevisions, revertChanges } from '../revisions/read.js'
import { ItemsErrors } from './errors.js'
import { parseKey, parseKeys } from './model/keys.js'
import { buildWorkspaceSchema, type WorkspaceSchema } from './model/model.js'
import type { ItemsOptions } from './options.js'
import { itemsQueryReader } from './query/reader.js'
import { listItems, readItem, readItems } from './read/list.js'
import { fieldTree, readPlan } from './read/plan.js'
import type { Item, ReadContext } from './read/select.js'
import { createScope, type ItemsScope } from './scope.js'
import type { Key, WriteContext } from './write/context.js'
import { createItems } from './write/create.js'
import { deleteItems } from './write/delete.js'
import { loadReferenceTargets } from './write/references.js'
import { type Selection, updateItems } from './write/update.js'

/** The services the items runtime works with. */
export interface ItemsDeps {
  database: DatabaseAdapter
  permissions: PermissionsService
  collections: CollectionsService
  clock: ClockAdapter
  events: EventBus
  /** The activity log (@backlex/activity), when installed: writes record `item.*` entries in it. */
  activity?: ItemsActivityLog | undefined
}

/**
 * Builds the items runtime over the kernel's services.
 * @example
 * ctx.provide(Items, (boot) => createItemsRuntime({
 *   database: boot.use(Database), permissions: boot.use(Permissions),
 *   collections: boot.use(Collections), clock: boot.use(Clock), events: boot.kernel.events,
 * }, itemsOptions.parse({})))
 */
export function createItemsRuntime(deps: ItemsDeps, options: ItemsOptions): ItemsRuntime {
  const { database, permissions, collections, clock, events, activity } = deps
  const { db, dialect } = database
  const schemas = new Map<string, Promise<WorkspaceSchema>>()
  collections.onChange(({ workspace }) => {
    schemas.delete(workspace)
  })
  const limits = {
    defaultLimit: options.defaultLimit,
    maxLimit: options.maxLimit,
    maxDepth: options.maxRelationDepth,
  }
  const read: ReadContext = { db, dialect }

  function schemaOf(workspace: string): Promise<WorkspaceSchema> {
    let found = schemas.get(workspace)
    if (!found) {
      found = collections
        .list(workspace)
        .then((defs) => buildWorkspaceSchema(workspace, defs, dialect))
      found.catch(() => schemas.get(workspace) === found && schemas.delete(workspace))
      schemas.set(workspace, found)
    }
    return found
  }

  async function scope(caller: ItemsCaller): Promise<ItemsScope> {
    return createScope(
      caller.principal,
      caller.workspace,
      await schemaOf(caller.workspace),
      permissions,
    )
  }

  function writer(caller: ItemsCaller): WriteContext {
    const meta: EventMeta = {
      workspace: caller.workspace,
      principal: caller.principal,
      ...(caller.requestId === undefined ? {} : { requestId: caller.requestId }),
      ...(caller.waitUntil === undefined ? {} : { waitUntil: caller.waitUntil }),
    }
    return {
      db,
      dialect,
      events,
      meta,
      actor: caller,
      activity,
      now: () => clock.now(),
      transactions: database.capabilities.transactions,
      maxBatch: options.maxBatchSize,
    }
  }

  /** Items as the caller reads them after a write (only their keys when it may not read them). */
  async function readBack(
    s: ItemsScope,
    slug: string,
    keys: readonly Key[],
    shape: Shape = {},
  ): Promise<Item[]> {
    const model = s.schema.collection(slug)
    if (!model) return []
    const readable = await s.load(slug)
    const items = readable
      ? await readItems(
          read,
          s,
          slug,
          keys,
          { fields: shape.fields, deep: shape.deep ?? {} },
          limits,
        )
      : []
    const name = model.primaryKey.name
    return keys.map((k, i) => items[i] ?? { [name]: k })
  }

  /** Checks `fields` and `deep` of a write's response before writing: bad input writes nothing. */
  async function checkShape(s: ItemsScope, slug: string, shape: Shape = {}): Promise<void> {
    if (!shape.fields && Object.keys(shape.deep ?? {}).length === 0) return
    const readable = await s.load(slug)
    if (!readable) return
    const planCtx = { schema: s.schema, load: s.load, maxDepth: limits.maxDepth }
    await readPlan(fieldTree(shape.fields ?? ['*']), readable, shape.deep ?? {}, planCtx, '', 0)
  }

  function selectionOf(s: ItemsScope, slug: string, selection: BatchSelection): Selection {
    if ('keys' in selection) {
      const model = s.schema.collection(slug)
      if (!model) return { keys: [] }
      if (selection.keys.length > options.maxBatchSize) {
        throw ItemsErrors.BATCH_TOO_LARGE(selection.keys.length, options.maxBatchSize)
      }
      return { keys: parseKeys(model, selection.keys) }
    }
    return { query: selection.query }
  }

  const runtime: ItemsRuntime = {
    query: itemsQueryReader,
    async list(caller, slug, query) {
      return listItems(read, await scope(caller), slug, query, limits)
    },
    async get(caller, slug, key, query) {
      const s = await scope(caller)
      const access = await s.access(slug, 'read')
      return readItem(read, s, slug, parseKey(access.model, key), query, limits)
    },
    async create(caller, slug, input, shape) {
      const s = await scope(caller)
      const batch = Array.isArray(input)
      await checkShape(s, slug, shape)
      await loadReferenceTargets(s, slug)
      const keys = await createItems(writer(caller), s, slug, batch ? input : [input], batch)
      const items = await readBack(s, slug, keys, shape)
      return batch ? items : (items[0] ?? {})
    },
    async update(caller, slug, key, data, shape) {
      const s = await scope(caller)
      const access = await s.access(slug, 'update')
      await checkShape(s, slug, shape)
      await loadReferenceTargets(s, slug)
      const keys = await updateItems(
        writer(caller),
        s,
        slug,
        { keys: [parseKey(access.model, key)] },
        data,
      )
      return (await readBack(s, slug, keys, shape))[0] ?? {}
    },
    async updateMany(caller, slug, selection, data, shape) {
      const s = await scope(caller)
      await s.access(slug, 'update')
      await checkShape(s, slug, shape)
      await loadReferenceTargets(s, slug)
      const keys = await updateItems(writer(caller), s, slug, selectionOf(s, slug, selection), data)
      return readBack(s, slug, keys, shape)
    },
    async delete(caller, slug, key) {
      const s = await scope(caller)
      const access = await s.access(slug, 'delete')
      await deleteItems(writer(caller), s, slug, { keys: [parseKey(access.model, key)] })
    },
    async deleteMany(caller, slug, selection) {
      const s = await scope(caller)
      await s.access(slug, 'delete')
      return deleteItems(writer(caller), s, slug, selectionOf(s, slug, selection))
    },
    async revisions(caller, slug, key, page) {
      return listRevisions(db, activity, await scope(caller), slug, key, page)
    },
    async revert(caller, revision, shape) {
      const s = await scope(caller)
      const { slug, key, changes } = await revertChanges(db, s, revision)
      await checkShape(s, slug, shape)
      await loadReferenceTargets(s, slug)
      if (Object.keys(changes).length > 0) {
        await updateItems(writer(caller), s, slug, { keys: [key] }, changes)
      } else {
        await s.access(slug, 'update')
      }
      return (await readBack(s, slug, [key], shape))[0] ?? {}
    },
  }
  return runtime
}
