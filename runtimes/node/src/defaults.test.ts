// withNodeDefaults: which Database the preset adds, and when it adds none.
import { join } from 'node:path'
import { Database, defineConfig, definePlugin } from '@backlex/kernel'
import { sqlite } from '@backlex/sqlite'
import { describe, expect, it } from 'vitest'
import { providesDatabase, withNodeDefaults } from './defaults.js'

const hello = definePlugin({ name: '@test/hello', version: '1.0.0' })

describe('withNodeDefaults', () => {
  it('adds SQLite under the working directory first, and the node runtime', async () => {
    const config = await withNodeDefaults(defineConfig({ plugins: [hello()] }), {
      env: {},
      cwd: '/srv/app',
    })
    expect(config.runtime?.name).toBe('node')
    expect(config.runtime?.capabilities).toEqual(
      expect.arrayContaining(['filesystem', 'process', 'tcp', 'fetch']),
    )
    expect(config.plugins.map((p) => p.spec.name)).toEqual(['@backlex/sqlite', '@test/hello'])
    expect(config.plugins[0]?.options).toEqual({
      filename: join('/srv/app', '.data/backlex.sqlite'),
    })
  })

  it('adds PostgreSQL on DATABASE_URL, and ignores a blank one', async () => {
    const url = 'postgres://app@db.internal:5432/app'
    const pg = await withNodeDefaults({ plugins: [] }, { env: { DATABASE_URL: url } })
    expect(pg.plugins[0]?.spec.name).toBe('@backlex/postgres')
    expect(pg.plugins[0]?.options).toEqual({ connectionString: url })
    const blank = await withNodeDefaults({ plugins: [] }, { env: { DATABASE_URL: '  ' } })
    expect(blank.plugins[0]?.spec.name).toBe('@backlex/sqlite')
  })

  it('keeps the plugins of a config that provides the Database itself', async () => {
    const plugins = [hello(), sqlite({ filename: ':memory:' })]
    expect(providesDatabase({ plugins })).toBe(true)
    const config = await withNodeDefaults({ plugins }, { env: { DATABASE_URL: 'postgres://x/y' } })
    expect(config.plugins).toEqual(plugins)
  })

  it('recognises any plugin that lists the Database token in provides', async () => {
    const own = definePlugin({
      name: '@test/own-db',
      version: '1.0.0',
      provides: [Database],
      register(ctx) {
        ctx.provide(Database, () => {
          throw new Error('not used')
        })
      },
    })
    expect(providesDatabase({ plugins: [own()] })).toBe(true)
    expect(providesDatabase({ plugins: [hello()] })).toBe(false)
  })
})
