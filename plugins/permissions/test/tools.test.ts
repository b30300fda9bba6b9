// The permissions.* tools through the kernel's tool registry, as MCP and agents call them.
import { anonymousPrincipal, type Principal } from '@backlex/kernel'
import { dialects } from '@backlex/test-utils'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { startApp, type TestApp } from './helpers.js'

const admin: Principal = { type: 'user', id: 'a1', userId: 'a1', roles: ['admin'], admin: true }
const editor: Principal = { type: 'user', id: 'u1', userId: 'u1', roles: ['editor'], admin: false }

describe.each(dialects.filter((d) => d.available))('permissions tools on $dialect', (dialect) => {
  let t: TestApp
  beforeEach(async () => {
    t = await startApp(dialect)
  })
  afterEach(() => t.close())

  const call = (name: string, input: unknown, principal: Principal = admin) =>
    t.app.tools.call(name, input, { principal, workspace: 'main' })

  it('registers four admin tools with descriptions and input schemas', () => {
    const tools = t.app.tools.list().filter((tool) => tool.plugin === '@backlex/permissions')
    expect(tools.map((tool) => [tool.name, tool.annotation])).toEqual([
      ['permissions.list', 'admin'],
      ['permissions.create', 'admin'],
      ['permissions.update', 'admin'],
      ['permissions.delete', 'admin'],
    ])
    for (const tool of tools) {
      expect(tool.description.length).toBeGreaterThan(60)
      expect(tool.inputSchema).toMatchObject({ type: 'object' })
    }
  })

  it('creates, lists, updates and deletes rules for an admin', async () => {
    const created = (await call('permissions.create', {
      role: 'public',
      collection: 'posts',
      action: 'read',
      filter: { status: { _eq: 'published' } },
    })) as { id: string }
    expect(await call('permissions.list', { role: 'public' })).toEqual([created])
    const updated = await call('permissions.update', { id: created.id, fields: ['title'] })
    expect(updated).toMatchObject({ id: created.id, fields: ['title'] })
    expect(await call('permissions.delete', { id: created.id })).toEqual({ deleted: created.id })
    expect(await call('permissions.list', {})).toEqual([])
  })

  it('refuses non-admins and reports bad filters by path, writing nothing', async () => {
    const input = { role: 'public', collection: 'posts', action: 'read' }
    for (const principal of [editor, anonymousPrincipal]) {
      await expect(call('permissions.create', input, principal)).rejects.toMatchObject({
        code: 'FORBIDDEN',
      })
    }
    await expect(
      call('permissions.create', { ...input, filter: { _or: [{ status: { _like: 'x' } }] } }),
    ).rejects.toMatchObject({
      code: 'INVALID_FILTER',
      details: { path: 'filter._or.0.status._like' },
    })
    await expect(call('permissions.delete', { id: 'nope' })).rejects.toMatchObject({
      code: 'PERMISSION_NOT_FOUND',
    })
    expect(await call('permissions.list', {})).toEqual([])
  })
})
