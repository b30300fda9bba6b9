// @acme/hello's optional integration with @backlex/realtime: the typed ref agrees with realtime's
// contract, the plugin's code never imports realtime (or graphql) at runtime, and it works with
// realtime installed (greetings published on `hello.greetings`) and without it.
import { join } from 'node:path'
import { type Backlex, createBacklex, defineConfig, type Plugin } from '@backlex/kernel'
import { realtime } from '@backlex/realtime'
import { Realtime as RealtimeToken } from '@backlex/realtime/contract'
import { dialects, silentLogger, type TestDatabase } from '@backlex/test-utils'
import { build } from 'esbuild'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { GREETINGS_CHANNEL, hello } from '../src/index.js'
import { Realtime } from '../src/realtime.js'

const post = (app: Backlex, body: unknown) =>
  app.fetch(
    new Request('http://local/api/hello/greetings', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    }),
  )

describe('the Realtime ref', () => {
  it('names the token of @backlex/realtime/contract', () => {
    expect(Realtime.id).toBe(RealtimeToken.id)
  })

  it('leaves no import of @backlex/realtime or @backlex/graphql in the plugin’s JavaScript', async () => {
    const result = await build({
      entryPoints: [join(import.meta.dirname, '../src/index.ts')],
      bundle: true,
      write: false,
      metafile: true,
      format: 'esm',
      platform: 'neutral',
      packages: 'external',
      logLevel: 'silent',
    })
    const imports = Object.values(result.metafile.outputs).flatMap((o) =>
      o.imports.map((i) => i.path),
    )
    expect(imports).toContain('@backlex/kernel')
    expect(imports.filter((path) => /^@backlex\/(realtime|graphql)/.test(path))).toEqual([])
  })
})

describe.each(dialects.filter((d) => d.available))(
  '@acme/hello and realtime on $dialect',
  ({ create }) => {
    let database: TestDatabase
    let app: Backlex
    let logger: ReturnType<typeof silentLogger>

    const start = async (...plugins: Plugin[]) => {
      logger = silentLogger()
      app = createBacklex(
        defineConfig({ plugins: [database.plugin(), ...plugins], dev: true, logger }),
      )
      await app.boot()
    }

    beforeEach(async () => {
      database = await create()
    })
    afterEach(async () => {
      await app?.shutdown()
      await database.cleanup()
    })

    it('announces greetings without realtime, and no hook fails', async () => {
      await start(hello())
      expect(app.tryGet(Realtime)).toBeUndefined()
      expect((await post(app, { name: 'Ada' })).status).toBe(201)
      await app.events.settled()
      const messages = logger.lines.map((l) => l.message)
      expect(messages).toContain('greeting announced')
      expect(messages).not.toContain('action hook failed')
    })

    it('publishes each stored greeting on hello.greetings when realtime is installed', async () => {
      await start(realtime(), hello())
      const controller = new AbortController()
      const stream = await app.fetch(
        new Request(`http://local/api/realtime/${GREETINGS_CHANNEL}/subscribe`, {
          signal: controller.signal,
        }),
      )
      expect(stream.status).toBe(200)
      expect(stream.headers.get('content-type')).toMatch(/^text\/event-stream/)

      const created = (await (await post(app, { name: 'Ada' })).json()) as { id: string }
      await app.events.settled()

      const reader = (stream.body as ReadableStream<Uint8Array>).getReader()
      const decoder = new TextDecoder()
      let text = ''
      while (!text.includes(created.id)) {
        const { value, done } = await reader.read()
        if (done) break
        text += decoder.decode(value, { stream: true })
      }
      controller.abort()
      await reader.cancel().catch(() => {})
      const data = text
        .split('\n')
        .filter((line) => line.startsWith('data:') && line.includes(created.id))
        .map((line) => JSON.parse(line.slice('data:'.length)) as Record<string, unknown>)
      expect(data).toHaveLength(1)
      expect(JSON.stringify(data[0])).toContain('"Hello, Ada!"')
    })
  },
)
