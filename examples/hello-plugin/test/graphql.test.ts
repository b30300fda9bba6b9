// @acme/hello's optional GraphQL part on SQLite and PostgreSQL: its object type, query, mutation
// and subscription answer through @backlex/graphql, and an app without it still loads the plugin.
import { collections } from '@backlex/collections'
import { graphql } from '@backlex/graphql'
import { type Backlex, createBacklex, Database, defineConfig } from '@backlex/kernel'
import { permissions } from '@backlex/permissions'
import { dialects, silentLogger, type TestDatabase } from '@backlex/test-utils'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { GREETINGS_TABLE, hello } from '../src/index.js'

interface Answer<T> {
  data?: T | null
  errors?: { message: string; extensions?: { code?: string } }[]
}

describe.each(dialects.filter((d) => d.available))(
  '@acme/hello over GraphQL on $dialect',
  ({ create }) => {
    let database: TestDatabase
    let app: Backlex

    const start = async (withGraphQL: boolean) => {
      const extra = withGraphQL ? [permissions(), collections(), graphql()] : []
      app = createBacklex(
        defineConfig({
          plugins: [database.plugin(), ...extra, hello()],
          dev: true,
          logger: silentLogger(),
        }),
      )
      await app.boot()
    }
    const gql = async <T>(query: string, variables?: Record<string, unknown>) => {
      const res = await app.fetch(
        new Request('http://local/api/graphql', {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ query, variables }),
        }),
      )
      return { status: res.status, ...((await res.json()) as Answer<T>) }
    }
    const rows = () => app.get(Database).db.selectFrom(GREETINGS_TABLE).selectAll().execute()

    beforeEach(async () => {
      database = await create()
    })
    afterEach(async () => {
      await app?.shutdown()
      await database.cleanup()
    })

    it('stores a greeting with the mutation and reads it back with the query', async () => {
      await start(true)
      const created = await gql<{ helloCreateGreeting: { id: string; message: string } }>(
        'mutation($name: String!) { helloCreateGreeting(name: $name) { id name message } }',
        { name: '  Ada ' },
      )
      expect(created.status).toBe(200)
      expect(created.errors).toBeUndefined()
      const greeting = created.data?.helloCreateGreeting
      expect(greeting).toMatchObject({ name: 'Ada', message: 'Hello, Ada!' })

      const read = await gql<{ helloGreeting: Record<string, unknown> | null }>(
        'query($id: ID!) { helloGreeting(id: $id) { id name message createdAt announced } }',
        { id: greeting?.id },
      )
      expect(read.errors).toBeUndefined()
      expect(read.data?.helloGreeting).toMatchObject({ id: greeting?.id, name: 'Ada' })
      expect(typeof read.data?.helloGreeting?.announced).toBe('boolean')
      const missing = await gql('{ helloGreeting(id: "nope") { id } }')
      expect(missing.data).toEqual({ helloGreeting: null })
    })

    it("refuses a banned word with the plugin's own error code and stores nothing", async () => {
      await start(true)
      const res = await gql('mutation { helloCreateGreeting(name: "spam king") { id } }')
      expect(res.errors?.map((e) => e.extensions?.code)).toEqual(['HELLO_BANNED_WORD'])
      expect(res.data).toBeNull()
      expect(await rows()).toEqual([])
    })

    it('streams the subscription over SSE, one event per name', async () => {
      await start(true)
      const res = await app.fetch(
        new Request('http://local/api/graphql/stream', {
          method: 'POST',
          headers: { 'content-type': 'application/json', accept: 'text/event-stream' },
          body: JSON.stringify({
            query: 'subscription { helloGreetings(names: ["Ada", "Grace"]) }',
          }),
        }),
      )
      expect(res.status).toBe(200)
      expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/)
      const text = await res.text()
      const events = text
        .split('\n\n')
        .filter((frame) => frame.startsWith('event: next'))
        .map((frame) => JSON.parse(frame.slice(frame.indexOf('data: ') + 6)) as Answer<unknown>)
      expect(events.map((e) => e.data)).toEqual([
        { helloGreetings: 'Hello, Ada!' },
        { helloGreetings: 'Hello, Grace!' },
      ])
      expect(text).toMatch(/event: complete/)
    })

    it('loads and serves its routes in an app without @backlex/graphql', async () => {
      await start(false)
      const res = await app.fetch(new Request('http://local/api/hello/Ada'))
      expect(await res.json()).toEqual({ greeting: 'Hello, Ada!' })
      expect((await app.fetch(new Request('http://local/api/graphql'))).status).toBe(404)
    })
  },
)
