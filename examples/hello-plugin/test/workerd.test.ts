// @acme/hello in workerd: the plugin bundled with @backlex/cloudflare, on Miniflare's D1.
import { join } from 'node:path'
import { startWorker, type WorkerUnderTest } from '@backlex/cloudflare/testing'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

const entry = join(import.meta.dirname, 'fixtures/worker.ts')
type ErrorBody = { errors: { message: string; extensions: { code: string } }[] }

describe('@acme/hello in workerd', () => {
  let worker: WorkerUnderTest

  beforeAll(async () => {
    worker = await startWorker({ entry })
  })
  afterAll(() => worker?.dispose())

  const post = (body: unknown) =>
    worker.fetch('/api/hello/greetings', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    })
  const count = async () => {
    const d1 = await worker.d1()
    const { results } = await d1
      .prepare('select count(*) as n from acme_hello_greetings')
      .all<{ n: number }>()
    return results[0]?.n
  }

  it('answers /health and applies the plugin migration to D1', async () => {
    const res = await worker.fetch('/health')
    expect(res.status).toBe(200)
    expect(await res.json()).toEqual({ status: 'ok' })
    const d1 = await worker.d1()
    const applied = await d1.prepare('select name from backlex_acme_hello_migrations').all()
    expect(applied.results).toEqual([{ name: '0001_greetings' }])
    expect(await count()).toBe(0)
  })

  it('greets by name', async () => {
    const res = await worker.fetch('/api/hello/Ada')
    expect(res.status).toBe(200)
    expect(await res.json()).toEqual({ greeting: 'Hello, Ada!' })
  })

  it('stores a greeting in D1 and announces it after the response', async () => {
    const res = await post({ name: ' Ada ', message: 'Welcome aboard' })
    expect(res.status).toBe(201)
    const created = (await res.json()) as { id: string }
    expect(created).toMatchObject({ name: 'Ada', message: 'Welcome aboard', announcedAt: null })
    const d1 = await worker.d1()
    const row = await d1
      .prepare('select name, message from acme_hello_greetings where id = ?')
      .bind(created.id)
      .all()
    expect(row.results).toEqual([{ name: 'Ada', message: 'Welcome aboard' }])
    await expect
      .poll(async () => {
        const read = await worker.fetch(`/api/hello/greetings/${created.id}`)
        return ((await read.json()) as { announcedAt: string | null }).announcedAt
      })
      .toMatch(/^\d{4}-\d\d-\d\dT/)
  })

  it('rejects bad input and banned words with 400 and stores nothing', async () => {
    const before = await count()
    const invalid = await post({ name: '' })
    expect(invalid.status).toBe(400)
    expect(((await invalid.json()) as ErrorBody).errors[0]?.extensions.code).toBe(
      'VALIDATION_FAILED',
    )
    const banned = await post({ name: 'spam' })
    expect(banned.status).toBe(400)
    expect(((await banned.json()) as ErrorBody).errors[0]?.extensions.code).toBe(
      'HELLO_BANNED_WORD',
    )
    expect(await count()).toBe(before)
  })

  it('answers an unknown route with 404 ROUTE_NOT_FOUND', async () => {
    const res = await worker.fetch('/api/hello/a/b/c')
    expect(res.status).toBe(404)
    expect(((await res.json()) as ErrorBody).errors[0]?.extensions.code).toBe('ROUTE_NOT_FOUND')
  })
})
