// Test harness: a real backlex server (@backlex/node `serve` on port 0) with permissions,
// collections and graphql on a fresh SQLite file or PostgreSQL schema, a principal resolver
// reading a test header, and a SQL statement counter (a Kysely plugin on the Database).
import { Collections, type CollectionsService, collections } from '@backlex/collections'
import { defineConfig, type Plugin, type Principal } from '@backlex/kernel'
import { type NodeServer, serve } from '@backlex/node'
import { type PermissionInput, Permissions, permissions } from '@backlex/permissions'
import {
  countingDatabase,
  type DialectUnderTest,
  PRINCIPAL_HEADER,
  type QueryCounter,
  silentLogger,
  type TestDatabase,
  testPrincipals,
} from '@backlex/test-utils'
import { ClientError, GraphQLClient } from 'graphql-request'
import { sql } from 'kysely'
import { type GraphQLOptionsInput, graphql } from '../../src/index.js'

export { PRINCIPAL_HEADER }

export const ADMIN: Partial<Principal> = { id: 'admin-1', roles: ['admin'], admin: true }

export interface GraphQLAnswer<T = Record<string, unknown>> {
  status: number
  data: T | null | undefined
  errors:
    | { message: string; path?: (string | number)[]; extensions?: { code?: string } }[]
    | undefined
}

export interface TestServer {
  server: NodeServer
  url: string
  dialect: 'sqlite' | 'postgres'
  queries: QueryCounter
  logs: ReturnType<typeof silentLogger>['lines']
  /** Runs one operation with graphql-request as `as` (anonymous without it). */
  gql<T = Record<string, unknown>>(
    query: string,
    variables?: Record<string, unknown>,
    as?: Partial<Principal>,
  ): Promise<GraphQLAnswer<T>>
  /** Creates a collection as the system. */
  collection(input: Parameters<CollectionsService['create']>[1]): Promise<void>
  /** The kernel's Collections service. */
  collections(): CollectionsService
  permit(rule: PermissionInput): Promise<void>
  sql<R = Record<string, unknown>>(text: string): Promise<R[]>
  close(): Promise<void>
}

/** The codes of an answer's errors. */
export const codes = (answer: GraphQLAnswer<unknown>) =>
  (answer.errors ?? []).map((e) => e.extensions?.code)

/** Boots a server on a fresh database of `dialect`. */
export async function startServer(
  dialect: DialectUnderTest,
  options: { graphql?: GraphQLOptionsInput; extra?: Plugin[] } = {},
): Promise<TestServer> {
  const database: TestDatabase = await dialect.create()
  const { plugin: databasePlugin, queries, adapter } = countingDatabase(database)
  const logger = silentLogger()
  const server = await serve(
    defineConfig({
      plugins: [
        databasePlugin,
        testPrincipals(),
        permissions(),
        collections(),
        graphql(options.graphql),
        ...(options.extra ?? []),
      ],
      dev: true,
      logger,
    }),
    { port: 0, hostname: '127.0.0.1', signals: false },
  )
  const endpoint = `${server.url}/api/graphql`
  return {
    server,
    url: endpoint,
    dialect: dialect.dialect,
    queries,
    logs: logger.lines,
    async gql(query, variables, as) {
      const client = new GraphQLClient(endpoint, {
        headers: as ? { [PRINCIPAL_HEADER]: JSON.stringify(as) } : {},
        errorPolicy: 'all',
      })
      try {
        const res = await client.rawRequest<never>(query, variables)
        return { status: res.status, data: res.data, errors: res.errors as never }
      } catch (error) {
        if (error instanceof ClientError) {
          const response = error.response as { status: number; data?: unknown; errors?: never }
          return { status: response.status, data: response.data as never, errors: response.errors }
        }
        throw error
      }
    },
    async collection(input) {
      await server.kernel.get(Collections).create('main', input)
    },
    collections: () => server.kernel.get(Collections),
    async permit(rule) {
      await server.kernel.get(Permissions).create('main', rule)
    },
    async sql(text) {
      const result = await sql.raw(text).execute(adapter.db)
      return result.rows as never
    },
    async close() {
      await server.close()
      await database.cleanup()
    },
  }
}
