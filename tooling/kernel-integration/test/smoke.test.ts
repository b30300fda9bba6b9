import { createBacklex, defineConfig, definePlugin, defineRoute } from '@backlex/kernel'
import { dialects, silentLogger } from '@backlex/test-utils'
import { describe, expect, it } from 'vitest'
import { z } from 'zod'

describe.each(dialects.filter((d) => d.available))('smoke on $dialect', ({ create }) => {
  it('boots, migrates and serves', async () => {
    const database = await create()
    const hello = definePlugin({
      name: '@acme/hello',
      version: '1.0.0',
      migrations: {
        '0001_init': {
          async up(db) {
            await db.schema
              .createTable('acme_hello')
              .addColumn('id', 'integer', (c) => c.primaryKey())
              .execute()
          },
        },
      },
      register(ctx) {
        ctx.route(
          defineRoute({
            method: 'get',
            path: '/hello/:name',
            params: z.object({ name: z.string() }),
            handler: ({ params }) => ({ hi: params.name }),
          }),
        )
      },
    })
    const app = createBacklex(
      defineConfig({ plugins: [database.plugin(), hello()], dev: true, logger: silentLogger() }),
    )
    await app.boot()
    const res = await app.fetch(new Request('http://x/api/hello/bob'))
    expect(await res.json()).toEqual({ hi: 'bob' })
    await app.shutdown()
    await database.cleanup()
  })
})
