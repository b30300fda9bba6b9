// Primary keys other than integers: generated UUIDs and client-given strings, in paths, bodies,
// relations and batches, on both dialects.
import { dialects } from '@backlex/test-utils'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ADMIN, codeOf, type ItemsApp, startItemsApp } from './items-helpers/app.js'

type One = { data: Record<string, unknown> }

describe.each(dialects.filter((d) => d.available))(
  'uuid and string keys on $dialect',
  (dialect) => {
    let t: ItemsApp
    beforeAll(async () => {
      t = await startItemsApp(dialect)
      await t.collection({
        slug: 'countries',
        primaryKey: { name: 'code', type: 'string' },
        fields: [{ name: 'name', type: 'string' }],
      })
      await t.collection({
        slug: 'notes',
        primaryKey: { name: 'id', type: 'uuid' },
        fields: [
          { name: 'text', type: 'text' },
          { name: 'due', type: 'date' },
        ],
        relations: [{ type: 'm2o', field: 'country', collection: 'countries' }],
      })
    })
    afterAll(() => t?.close())

    it('creates, reads, filters, updates and deletes by uuid and string keys', async () => {
      const countries = await t.request<{ data: Record<string, unknown>[] }>(
        'POST',
        '/api/items/countries',
        {
          as: ADMIN,
          body: [
            { code: 'UK', name: 'United Kingdom' },
            { code: 'FI', name: 'Finland' },
          ],
        },
      )
      expect(countries.body.data).toEqual([
        { code: 'UK', name: 'United Kingdom' },
        { code: 'FI', name: 'Finland' },
      ])
      const missingKey = await t.request('POST', '/api/items/countries', {
        as: ADMIN,
        body: { name: 'Nowhere' },
      })
      expect(codeOf(missingKey.body)).toBe('INVALID_ITEM')
      const note = await t.request<One>('POST', '/api/items/notes?fields=*,country.name', {
        as: ADMIN,
        body: { text: 'hello', due: '2024-07-01', country: 'FI' },
      })
      expect(note.status).toBe(201)
      const id = String(note.body.data.id)
      expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/)
      expect(note.body.data).toEqual({
        id,
        text: 'hello',
        due: '2024-07-01',
        country: { name: 'Finland' },
      })
      expect(
        (
          await t.request<One>('GET', `/api/items/notes/${id.toUpperCase()}?fields=text`, {
            as: ADMIN,
          })
        ).body,
      ).toEqual({ data: { text: 'hello' } })
      expect(codeOf((await t.request('GET', '/api/items/notes/42', { as: ADMIN })).body)).toBe(
        'INVALID_ID',
      )
      expect(
        codeOf(
          (
            await t.request('GET', '/api/items/notes/00000000-0000-4000-8000-000000000000', {
              as: ADMIN,
            })
          ).body,
        ),
      ).toBe('ITEM_NOT_FOUND')
      const filtered = await t.request<{ data: unknown[] }>(
        'GET',
        `/api/items/notes?fields=id&filter[id][_eq]=${id}&filter[country][name][_eq]=Finland`,
        { as: ADMIN },
      )
      expect(filtered.body.data).toEqual([{ id }])
      const changed = await t.request<{ data: unknown[] }>(
        'PATCH',
        '/api/items/notes?fields=text',
        { as: ADMIN, body: { keys: [id, id], data: { text: 'bye' } } },
      )
      expect(changed.body.data).toEqual([{ text: 'bye' }])
      expect(
        (await t.request('PATCH', '/api/items/countries/UK', { as: ADMIN, body: { name: 'UK' } }))
          .status,
      ).toBe(200)
      expect((await t.request('DELETE', `/api/items/notes/${id}`, { as: ADMIN })).status).toBe(204)
      expect(
        (await t.request('DELETE', '/api/items/countries', { as: ADMIN, body: ['UK', 'FI'] }))
          .status,
      ).toBe(204)
      const revisions = await t.sql<{ item: string }>(
        `select item from backlex_collections_revisions where collection = 'notes' order by id`,
      )
      expect(revisions.map((r) => r.item)).toEqual([id, id, id])
    })
  },
)
