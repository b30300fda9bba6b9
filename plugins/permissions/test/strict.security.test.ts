// Strict input: an unknown key in a permission body or tool input is a 400 and nothing is
// stored (a misspelt `filters` must not silently make a rule that lets every row through).
// Both dialects.
import { systemPrincipal } from '@backlex/kernel'
import { dialects } from '@backlex/test-utils'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { ADMIN, codeOf, startApp, type TestApp, testSchemas } from './helpers.js'

const posts = { schema: { title: { type: 'string' }, owner: { type: 'string' } } } as const

describe.each(dialects.filter((d) => d.available))(
  'unknown permission keys on $dialect',
  (dialect) => {
    let t: TestApp
    beforeEach(async () => {
      t = await startApp(dialect, [testSchemas({ posts })])
    })
    afterEach(() => t.close())
    const stored = async () =>
      ((await t.request('GET', '/api/permissions', { as: ADMIN })).body as { data: unknown[] }).data

    it('refuses POST and PATCH /api/permissions with an unknown key; nothing is stored', async () => {
      const created = await t.request('POST', '/api/permissions', {
        as: ADMIN,
        body: { role: 'editor', collection: 'posts', action: 'read', filters: { owner: 'x' } },
      })
      expect(created.status).toBe(400)
      expect(codeOf(created.body)).toBe('VALIDATION_FAILED')
      expect(await stored()).toEqual([])
      const ok = await t.request('POST', '/api/permissions', {
        as: ADMIN,
        body: { role: 'editor', collection: 'posts', action: 'read' },
      })
      expect(ok.status).toBe(201)
      const id = (ok.body as { data: { id: string } }).data.id
      const patched = await t.request('PATCH', `/api/permissions/${id}`, {
        as: ADMIN,
        body: { fields: ['title'], colour: 'red' },
      })
      expect(patched.status).toBe(400)
      expect(await stored()).toEqual([expect.objectContaining({ id, fields: '*' })])
    })

    it('refuses unknown keys in the permissions tools', async () => {
      const inputs: [string, unknown][] = [
        ['permissions.list', { role: 'editor', colour: 'red' }],
        [
          'permissions.create',
          { role: 'editor', collection: 'posts', action: 'read', filters: {} },
        ],
        ['permissions.update', { id: 'x', colour: 'red' }],
        ['permissions.delete', { id: 'x', colour: 'red' }],
      ]
      for (const [name, input] of inputs) {
        await expect(
          t.app.tools.call(name, input, { principal: systemPrincipal, workspace: 'main' }),
          name,
        ).rejects.toMatchObject({ status: 400 })
      }
      expect(await stored()).toEqual([])
    })
  },
)
