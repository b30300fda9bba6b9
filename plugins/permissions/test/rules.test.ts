// rulesFor on both dialects: deny by default, built-in roles, the union of several roles (rows
// and fields, as SQL and as the matcher see them), admins, read-only keys, the cache and its
// invalidation, also across two instances sharing a database and a PubSub.
import {
  anonymousPrincipal,
  createMemoryPubSub,
  Database,
  type DatabaseAdapter,
  type Principal,
} from '@backlex/kernel'
import { dialects } from '@backlex/test-utils'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import {
  type AccessRules,
  type CollectionFilterSchema,
  Permissions,
  type PermissionsService,
  resolvePresets,
} from '../src/index.js'
import { ADMIN, sharedPubSub, startApp, type TestApp, testSchemas } from './helpers.js'

const postsSchema: CollectionFilterSchema = {
  schema: {
    title: { type: 'string' },
    status: { type: 'string' },
    owner: { type: 'string' },
    views: { type: 'integer' },
    published_at: { type: 'datetime' },
  },
}

const rows = [
  {
    id: 1,
    title: 'Hello',
    status: 'published',
    owner: 'u1',
    views: 5,
    published_at: '2024-06-01T00:00:00.000Z',
  },
  { id: 2, title: 'Draft', status: 'draft', owner: 'u1', views: 0, published_at: null },
  { id: 3, title: 'Other', status: 'draft', owner: 'u2', views: 50, published_at: null },
  {
    id: 4,
    title: 'Soon',
    status: 'published',
    owner: 'u2',
    views: 7,
    published_at: '2024-06-20T00:00:00.000Z',
  },
]

const user = (id: string, roles: string[], extra: Partial<Principal> = {}): Principal => ({
  type: 'user',
  id,
  userId: id,
  roles,
  admin: false,
  ...extra,
})

async function createPosts(database: DatabaseAdapter) {
  const pg = database.dialect === 'postgres'
  await database.db.schema
    .createTable('posts')
    .addColumn('id', 'integer', (c) => c.primaryKey())
    .addColumn('title', 'text')
    .addColumn('status', 'text')
    .addColumn('owner', 'text')
    .addColumn('views', 'integer')
    .addColumn('published_at', pg ? 'timestamptz' : 'text')
    .execute()
  await database.db.insertInto('posts').values(rows).execute()
}

describe.each(dialects.filter((d) => d.available))('rulesFor on $dialect', (dialect) => {
  let t: TestApp
  let permissions: PermissionsService
  let database: DatabaseAdapter
  const schemas = { posts: postsSchema }

  beforeEach(async () => {
    t = await startApp(dialect, [testSchemas(schemas)])
    permissions = t.app.get(Permissions)
    database = t.app.get(Database)
    await createPosts(database)
  })
  afterEach(() => t.close())

  const read = (principal: Principal) =>
    permissions.rulesFor(principal, { workspace: 'main', collection: 'posts', action: 'read' })

  /** The ids SQL returns under the rules, checked against the matcher on the same rows. */
  async function visible(rules: AccessRules | null, principal: Principal): Promise<number[]> {
    if (!rules) return []
    const vars = permissions.variables(principal)
    let query = database.db.selectFrom('posts').select('id').orderBy('id')
    if (rules.filter) query = query.where(rules.filter.toSql(vars, { table: 'posts' }))
    const ids = (await query.execute()).map((r) => Number(r.id))
    const all = await database.db.selectFrom('posts').selectAll().orderBy('id').execute()
    const matched = all
      .filter((r) => rules.filter?.matches(r, vars) ?? true)
      .map((r) => Number(r.id))
    expect(matched).toEqual(ids)
    return ids
  }

  it('denies by default', async () => {
    expect(await read(anonymousPrincipal)).toBeNull()
    expect(await read(user('u1', ['editor']))).toBeNull()
  })

  it('gives anonymous callers the public role, and signed-in users the union of all their roles', async () => {
    await permissions.create('main', {
      role: 'public',
      collection: 'posts',
      action: 'read',
      filter: { status: 'published' },
      fields: ['title'],
    })
    await permissions.create('main', {
      role: 'authenticated',
      collection: 'posts',
      action: 'read',
      filter: { views: { _gte: 50 } },
      fields: ['views'],
    })
    await permissions.create('main', {
      role: 'editor',
      collection: 'posts',
      action: 'read',
      filter: { owner: { _eq: '$CURRENT_USER' } },
      fields: ['title', 'status'],
    })

    const anonymous = await read(anonymousPrincipal)
    expect(anonymous?.fields).toEqual(['title'])
    expect(await visible(anonymous, anonymousPrincipal)).toEqual([1, 4])

    const reader = user('u9', [])
    const signedIn = await read(reader)
    expect(signedIn?.fields).toEqual(['views', 'title'])
    expect(await visible(signedIn, reader)).toEqual([1, 3, 4])

    const editor = user('u1', ['editor'])
    const rules = await read(editor)
    expect(rules?.fields).toEqual(['title', 'status', 'views'])
    expect(rules?.grants.map((g) => g.role)).toEqual(['editor', 'authenticated', 'public'])
    expect(await visible(rules, editor)).toEqual([1, 2, 3, 4])
    expect(await visible(rules, user('u2', ['editor']))).toEqual([1, 3, 4])
  })

  it('lets any role with an unfiltered rule see every row', async () => {
    await permissions.create('main', {
      role: 'public',
      collection: 'posts',
      action: 'read',
      filter: { status: 'published' },
    })
    await permissions.create('main', {
      role: 'editor',
      collection: 'posts',
      action: 'read',
      fields: ['title'],
    })
    const rules = await read(user('u1', ['editor']))
    expect(rules?.filter).toBeNull()
    expect(rules?.fields).toBe('*')
  })

  it('lets admins bypass every rule, and read-only API keys only read', async () => {
    for (const admin of [user('a', ['admin']), user('b', [], { admin: true })]) {
      const rules = await permissions.rulesFor(admin, {
        workspace: 'main',
        collection: 'posts',
        action: 'delete',
      })
      expect(rules).toMatchObject({ filter: null, fields: '*', validation: null, presets: {} })
    }
    await permissions.create('main', { role: 'editor', collection: 'posts', action: 'read' })
    await permissions.create('main', { role: 'editor', collection: 'posts', action: 'update' })
    const key = user('k1', ['editor'], { type: 'apiKey', scopes: { readOnly: true, tools: null } })
    expect(await read(key)).not.toBeNull()
    expect(
      await permissions.rulesFor(key, { workspace: 'main', collection: 'posts', action: 'update' }),
    ).toBeNull()
  })

  it('merges validation as a union and presets by role precedence', async () => {
    await permissions.create('main', {
      role: 'authenticated',
      collection: 'posts',
      action: 'create',
      validation: { views: { _lt: 10 } },
      presets: { status: 'draft', owner: 'nobody' },
    })
    await permissions.create('main', {
      role: 'editor',
      collection: 'posts',
      action: 'create',
      validation: { views: { _lt: 100 } },
      presets: { owner: '$CURRENT_USER' },
      fields: ['title', 'views'],
    })
    const editor = user('u1', ['editor'])
    const rules = await permissions.rulesFor(editor, {
      workspace: 'main',
      collection: 'posts',
      action: 'create',
    })
    const vars = permissions.variables(editor)
    expect(resolvePresets(rules?.presets ?? {}, vars)).toEqual({ status: 'draft', owner: 'u1' })
    expect(rules?.validation?.matches({ views: 50 }, vars)).toBe(true)
    expect(rules?.validation?.matches({ views: 500 }, vars)).toBe(false)
    expect(rules?.fields).toBe('*')
  })

  it('caches compiled rules and binds $NOW per call instead of recompiling', async () => {
    await permissions.create('main', {
      role: 'public',
      collection: 'posts',
      action: 'read',
      filter: { published_at: { _lte: '$NOW' } },
    })
    const first = await read(anonymousPrincipal)
    expect(await read(anonymousPrincipal)).toBe(first)
    expect(await visible(first, anonymousPrincipal)).toEqual([1])
    t.clock.set(new Date('2024-06-21T00:00:00.000Z'))
    const later = await read(anonymousPrincipal)
    expect(later).toBe(first)
    expect(await visible(later, anonymousPrincipal)).toEqual([1, 4])
  })

  it('drops cached rules when a rule changes', async () => {
    const rule = await permissions.create('main', {
      role: 'public',
      collection: 'posts',
      action: 'read',
      filter: { status: 'draft' },
    })
    expect(await visible(await read(anonymousPrincipal), anonymousPrincipal)).toEqual([2, 3])
    const res = await t.request('PATCH', `/api/permissions/${rule.id}`, {
      as: ADMIN,
      body: { filter: { status: 'published' } },
    })
    expect(res.status).toBe(200)
    expect(await visible(await read(anonymousPrincipal), anonymousPrincipal)).toEqual([1, 4])
    await permissions.remove('main', rule.id)
    expect(await read(anonymousPrincipal)).toBeNull()
  })

  it('ignores a stored rule that no longer fits its collection, and says so in the log', async () => {
    await permissions.create('main', {
      role: 'public',
      collection: 'posts',
      action: 'read',
      filter: { views: { _gt: 1 } },
    })
    const original = postsSchema.schema
    const { views: _dropped, ...rest } = original
    Object.assign(schemas, { posts: { schema: rest } })
    try {
      permissions.invalidate()
      expect(await read(anonymousPrincipal)).toBeNull()
      expect(
        t.logger.lines.some((l) => l.level === 'warn' && /no longer fits/.test(l.message)),
      ).toBe(true)
    } finally {
      Object.assign(schemas, { posts: postsSchema })
    }
  })
})

describe.each(dialects.filter((d) => d.available))('two instances on $dialect', (dialect) => {
  it('see each other’s changes through PubSub', async () => {
    const database = await dialect.create()
    const bus = createMemoryPubSub()
    const a = await startApp(dialect, [sharedPubSub(bus)], database)
    const b = await startApp(dialect, [sharedPubSub(bus)], database)
    try {
      const target = { workspace: 'main', collection: 'posts', action: 'read' } as const
      const pa = a.app.get(Permissions)
      expect(await pa.rulesFor(anonymousPrincipal, target)).toBeNull()
      await b.app
        .get(Permissions)
        .create('main', { role: 'public', collection: 'posts', action: 'read', fields: ['title'] })
      await new Promise((resolve) => setTimeout(resolve, 10))
      expect((await pa.rulesFor(anonymousPrincipal, target))?.fields).toEqual(['title'])
    } finally {
      await a.close()
      await b.close()
      await database.cleanup()
    }
  })
})
