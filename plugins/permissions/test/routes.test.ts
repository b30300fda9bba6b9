// /api/permissions over HTTP on both dialects: what anonymous callers, non-admins and admins get,
// and every kind of bad input (a clear 4xx with a stable code, and nothing written).
import { dialects } from '@backlex/test-utils'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import {
  ADMIN,
  codeOf,
  EDITOR,
  extensionsOf,
  startApp,
  type TestApp,
  testSchemas,
} from './helpers.js'

const posts = {
  schema: {
    title: { type: 'string' },
    status: { type: 'string' },
    owner: { type: 'uuid' },
    views: { type: 'integer' },
    published_at: { type: 'datetime' },
  },
} as const

const rule = {
  role: 'editor',
  collection: 'posts',
  action: 'read',
  filter: { _or: [{ status: { _eq: 'published' } }, { owner: { _eq: '$CURRENT_USER' } }] },
  fields: ['title', 'status'],
}

describe.each(dialects.filter((d) => d.available))('/api/permissions on $dialect', (dialect) => {
  let t: TestApp
  beforeEach(async () => {
    t = await startApp(dialect, [testSchemas({ posts })])
  })
  afterEach(() => t.close())

  const stored = async () => {
    const res = await t.request('GET', '/api/permissions', { as: ADMIN })
    return (res.body as { data: unknown[] }).data
  }
  const create = async (body: unknown = rule) => {
    const res = await t.request('POST', '/api/permissions', { as: ADMIN, body })
    expect(res.status).toBe(201)
    return (res.body as { data: { id: string } }).data
  }

  it('lets an admin create, list, read, change and delete rules', async () => {
    const created = await create()
    expect(created).toMatchObject({
      id: expect.any(String),
      workspace: 'main',
      role: 'editor',
      collection: 'posts',
      action: 'read',
      filter: rule.filter,
      fields: ['title', 'status'],
      validation: null,
      presets: null,
      createdAt: '2024-06-15T12:00:00.000Z',
      updatedAt: '2024-06-15T12:00:00.000Z',
    })
    expect(await stored()).toEqual([created])

    const one = await t.request('GET', `/api/permissions/${created.id}`, { as: ADMIN })
    expect(one).toEqual({ status: 200, body: { data: created } })

    t.clock.set(new Date('2024-06-16T08:00:00.000Z'))
    const patched = await t.request('PATCH', `/api/permissions/${created.id}`, {
      as: ADMIN,
      body: { fields: '*', filter: null },
    })
    expect(patched.status).toBe(200)
    expect(patched.body).toEqual({
      data: { ...created, fields: '*', filter: null, updatedAt: '2024-06-16T08:00:00.000Z' },
    })
    expect(await stored()).toEqual([(patched.body as { data: unknown }).data])

    const deleted = await t.request('DELETE', `/api/permissions/${created.id}`, { as: ADMIN })
    expect(deleted).toEqual({ status: 204, body: null })
    const gone = await t.request('GET', `/api/permissions/${created.id}`, { as: ADMIN })
    expect(gone.status).toBe(404)
    expect(codeOf(gone.body)).toBe('PERMISSION_NOT_FOUND')
    expect(await stored()).toEqual([])
  })

  it('filters the list by role, collection and action', async () => {
    await create()
    await create({ ...rule, role: 'public', filter: { status: 'published' } })
    await create({ role: 'editor', collection: 'posts', action: 'update', fields: ['title'] })
    const byRole = await t.request('GET', '/api/permissions?role=editor', { as: ADMIN })
    expect((byRole.body as { data: { role: string }[] }).data.map((p) => p.role)).toEqual([
      'editor',
      'editor',
    ])
    const byAction = await t.request('GET', '/api/permissions?action=update', { as: ADMIN })
    expect((byAction.body as { data: { action: string }[] }).data).toHaveLength(1)
    const bad = await t.request('GET', '/api/permissions?action=fly', { as: ADMIN })
    expect(bad.status).toBe(400)
    expect(codeOf(bad.body)).toBe('VALIDATION_FAILED')
  })

  it('answers anonymous callers 401 on every route and writes nothing', async () => {
    const { id } = await create()
    const calls: [string, string, unknown?][] = [
      ['GET', '/api/permissions'],
      ['GET', `/api/permissions/${id}`],
      ['POST', '/api/permissions', { ...rule, role: 'public' }],
      ['PATCH', `/api/permissions/${id}`, { fields: '*' }],
      ['DELETE', `/api/permissions/${id}`],
    ]
    for (const [method, path, body] of calls) {
      const res = await t.request(method, path, { body })
      expect(res.status, `${method} ${path}`).toBe(401)
      expect(codeOf(res.body)).toBe('UNAUTHORIZED')
    }
    expect(await stored()).toEqual([expect.objectContaining({ id, fields: ['title', 'status'] })])
  })

  it('answers signed-in non-admins 403 on every route and writes nothing', async () => {
    const { id } = await create()
    const calls: [string, string, unknown?][] = [
      ['GET', '/api/permissions'],
      ['GET', `/api/permissions/${id}`],
      ['POST', '/api/permissions', { ...rule, role: 'public' }],
      ['PATCH', `/api/permissions/${id}`, { fields: '*' }],
      ['DELETE', `/api/permissions/${id}`],
    ]
    for (const [method, path, body] of calls) {
      const res = await t.request(method, path, { as: EDITOR, body })
      expect(res.status, `${method} ${path}`).toBe(403)
      expect(codeOf(res.body)).toBe('FORBIDDEN')
    }
    const apiKey = await t.request('GET', '/api/permissions', {
      as: { type: 'apiKey', id: 'k1', userId: 'u1', roles: ['editor'] },
    })
    expect(apiKey.status).toBe(403)
    expect(await stored()).toHaveLength(1)
  })

  it.each([
    ['an unknown operator', { title: { _eqq: 'x' } }, 'filter.title._eqq', /unknown operator _eqq/],
    [
      'an unknown field',
      { _and: [{ titel: { _eq: 'x' } }] },
      'filter._and.0.titel',
      /unknown field "titel"/,
    ],
    [
      'a value of the wrong type',
      { views: { _gt: 'many' } },
      'filter.views._gt',
      /expected a number/,
    ],
    [
      'an unknown variable',
      { owner: { _eq: '$CURRENT_USR' } },
      'filter.owner._eq',
      /unknown variable/,
    ],
    [
      'a bad $NOW unit',
      { published_at: { _lt: '$NOW(-1 fortnight)' } },
      'filter.published_at._lt',
      /unknown time unit/,
    ],
    [
      'a list operator without a list',
      { views: { _in: 5 } },
      'filter.views._in',
      /expected an array/,
    ],
    ['an operator at the top level', { _eq: 1 }, 'filter._eq', /must be applied to a field/],
    [
      'a relation without relations',
      { 'owner.name': { _eq: 'x' } },
      'filter.owner.name',
      /relations are not available/,
    ],
    [
      'nesting that is too deep',
      JSON.parse(`${'{"_and":['.repeat(12)}{"title":"x"}${']}'.repeat(12)}`),
      'filter._and.0._and.0._and.0._and.0._and.0._and.0._and.0._and.0._and.0._and.0._and.0',
      /nested more than 10 levels/,
    ],
  ])('rejects %s with 400 INVALID_FILTER and its path', async (_, filter, path, message) => {
    const res = await t.request('POST', '/api/permissions', {
      as: ADMIN,
      body: { ...rule, filter },
    })
    expect(res.status).toBe(400)
    expect(extensionsOf(res.body)).toMatchObject({ code: 'INVALID_FILTER', path })
    expect(String(extensionsOf(res.body).reason)).toMatch(message)
    expect(await stored()).toEqual([])
  })

  it('rejects invalid validation rules and rules that make no sense, writing nothing', async () => {
    const cases: [unknown, string, string][] = [
      [
        { ...rule, action: 'create', filter: null, validation: { views: { _lt: 'x' } } },
        'INVALID_FILTER',
        'validation.views._lt',
      ],
      [{ ...rule, action: 'create' }, 'INVALID_PERMISSION', 'filter'],
      [{ ...rule, validation: { title: 'x' } }, 'INVALID_PERMISSION', 'validation'],
      [{ ...rule, presets: { title: 'x' } }, 'INVALID_PERMISSION', 'presets'],
      [{ ...rule, fields: ['title', 'secret'] }, 'INVALID_PERMISSION', 'fields.1'],
      [
        { ...rule, action: 'update', presets: { owner: '$CURRENT_USERS' } },
        'INVALID_PERMISSION',
        'presets.owner',
      ],
      [{ ...rule, role: 'admin' }, 'INVALID_PERMISSION', 'role'],
    ]
    for (const [body, code, path] of cases) {
      const res = await t.request('POST', '/api/permissions', { as: ADMIN, body })
      expect(res.status, JSON.stringify(body)).toBe(400)
      expect(extensionsOf(res.body)).toMatchObject({ code, path })
    }
    for (const body of [
      { ...rule, action: 'fly' },
      { ...rule, role: 'Bad Role' },
      { ...rule, filter: 'x' },
      {},
    ]) {
      const res = await t.request('POST', '/api/permissions', { as: ADMIN, body })
      expect(res.status).toBe(400)
      expect(codeOf(res.body)).toBe('VALIDATION_FAILED')
    }
    expect(await stored()).toEqual([])
  })

  it('keeps one rule per role, collection and action (409), also when a PATCH would clash', async () => {
    const first = await create()
    const again = await t.request('POST', '/api/permissions', { as: ADMIN, body: rule })
    expect(again.status).toBe(409)
    expect(extensionsOf(again.body)).toMatchObject({ code: 'PERMISSION_EXISTS', id: first.id })
    const other = await create({ ...rule, role: 'public' })
    const clash = await t.request('PATCH', `/api/permissions/${other.id}`, {
      as: ADMIN,
      body: { role: 'editor' },
    })
    expect(clash.status).toBe(409)
    expect(await stored()).toHaveLength(2)
  })

  it('answers 404 for unknown ids and 400 for a bad PATCH, leaving the rule as it was', async () => {
    const { id } = await create()
    for (const method of ['GET', 'PATCH', 'DELETE']) {
      const res = await t.request(method, '/api/permissions/nope', {
        as: ADMIN,
        ...(method === 'PATCH' ? { body: { fields: '*' } } : {}),
      })
      expect(res.status, method).toBe(404)
      expect(codeOf(res.body)).toBe('PERMISSION_NOT_FOUND')
    }
    const bad = await t.request('PATCH', `/api/permissions/${id}`, {
      as: ADMIN,
      body: { filter: { status: { _between: ['a', null] } } },
    })
    expect(bad.status).toBe(400)
    expect(extensionsOf(bad.body)).toMatchObject({
      code: 'INVALID_FILTER',
      path: 'filter.status._between.1',
    })
    expect(await stored()).toEqual([expect.objectContaining({ id, filter: rule.filter })])
  })

  it('keeps workspaces apart', async () => {
    const res = await t.request('POST', '/api/permissions', {
      as: ADMIN,
      body: rule,
      workspace: 'acme',
    })
    expect(res.status).toBe(201)
    expect((res.body as { data: { workspace: string } }).data.workspace).toBe('acme')
    expect(await stored()).toEqual([])
    const { id } = (res.body as { data: { id: string } }).data
    const fromMain = await t.request('GET', `/api/permissions/${id}`, { as: ADMIN })
    expect(fromMain.status).toBe(404)
  })

  it('describes every route in /api/openapi', async () => {
    const res = await t.request('GET', '/api/openapi')
    const paths = (res.body as { paths: Record<string, Record<string, unknown>> }).paths
    expect(Object.keys(paths['/api/permissions'] ?? {}).sort()).toEqual(['get', 'post'])
    expect(Object.keys(paths['/api/permissions/{id}'] ?? {}).sort()).toEqual([
      'delete',
      'get',
      'patch',
    ])
  })
})
