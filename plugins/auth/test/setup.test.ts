// Installation: the migrations create exactly the schema better-auth expects, on both
// dialects; the secret is required outside dev; bad options stop the boot.
import { createBacklex } from '@backlex/kernel'
import { silentLogger } from '@backlex/test-utils'
import { getMigrations } from 'better-auth/db/migration'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { Auth, auth } from '../src/index.js'
import { dialectsUnderTest, startApp, type TestApp } from './helpers.js'

describe.each(dialectsUnderTest)('setup on $dialect', (dialect) => {
  let t: TestApp | undefined
  let savedSecret: string | undefined
  beforeEach(() => {
    savedSecret = process.env.AUTH_SECRET
    delete process.env.AUTH_SECRET
  })
  afterEach(async () => {
    if (savedSecret !== undefined) process.env.AUTH_SECRET = savedSecret
    await t?.close()
    await t?.db.cleanup()
    t = undefined
  })

  it('creates the tables better-auth needs: nothing left for its own migrator to do', async () => {
    t = await startApp(await dialect.create())
    const plan = await getMigrations(t.app.get(Auth).betterAuth.options, { throwOnUnsafe: false })
    expect(plan.toBeCreated).toEqual([])
    expect(plan.toBeAdded).toEqual([])
    expect(plan.toBeAddedIndexes).toEqual([])
    expect(plan.schemaProblems).toEqual([])
    await t.http.signUp('ada@example.com')
    expect(t.logger.lines.filter((l) => l.level === 'error')).toEqual([])
  })

  it('describes its routes in the OpenAPI document', async () => {
    t = await startApp(await dialect.create())
    const res = await t.http.get('/api/openapi')
    expect(res.status).toBe(200)
    expect(Object.keys(res.body.paths)).toEqual(
      expect.arrayContaining([
        '/api/api-keys',
        '/api/api-keys/{id}',
        '/api/api-keys/{id}/mcp-guards',
        '/api/roles',
        '/api/roles/{name}',
        '/api/users',
        '/api/users/{id}/roles',
      ]),
    )
  })

  it('records its migration in its own table', async () => {
    t = await startApp(await dialect.create())
    const status = await t.app.migrationStatus()
    const mine = status.find((s) => s.plugin === '@backlex/auth')
    expect(mine).toMatchObject({ table: 'backlex_auth_migrations' })
    expect(mine?.migrations.map((m) => m.name)).toEqual(['0001_init'])
    expect(mine?.migrations[0]?.executedAt).not.toBeNull()
  })

  it('refuses to boot outside dev without a secret', async () => {
    const db = await dialect.create()
    const app = createBacklex({
      logger: silentLogger(),
      migrateOnBoot: true,
      plugins: [db.plugin(), auth()],
    })
    await expect(app.boot()).rejects.toMatchObject({ code: 'AUTH_SECRET_REQUIRED' })
    await db.cleanup()
  })

  it('takes the secret from AUTH_SECRET', async () => {
    process.env.AUTH_SECRET = 'env-secret-0123456789-abcdefghijklmnopqrstuvwxyz'
    const db = await dialect.create()
    const app = createBacklex({
      logger: silentLogger(),
      migrateOnBoot: true,
      plugins: [db.plugin(), auth()],
    })
    await app.boot()
    expect(app.state).toBe('ready')
    await app.shutdown()
    await db.cleanup()
  })

  it('generates a secret in dev, with a warning', async () => {
    t = await startApp(await dialect.create(), { dev: true, auth: { secret: undefined } })
    expect(
      t.logger.lines.some((l) => l.level === 'warn' && /AUTH_SECRET is not set/.test(l.message)),
    ).toBe(true)
    expect((await t.http.signUp('ada@example.com')).status).toBe(200)
  })

  it('rejects bad options at boot with the plugin name', async () => {
    const app = createBacklex({
      logger: silentLogger(),
      plugins: [auth({ secret: 'too short', trustProxy: 'yes' } as never)],
    })
    const error = await app.boot().catch((e: unknown) => e)
    expect(error).toMatchObject({ code: 'INVALID_PLUGIN_OPTIONS' })
    expect(String((error as Error).message)).toMatch(/@backlex\/auth.*secret.*trustProxy/s)
  })
})
