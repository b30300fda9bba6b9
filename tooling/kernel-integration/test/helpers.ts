// Builds small kernels for the integration tests: one real database plus test plugins,
// all shut down and dropped when the test finishes.
import {
  type Backlex,
  type BacklexConfig,
  createBacklex,
  defineConfig,
  type Plugin,
} from '@backlex/kernel'
import { type DialectUnderTest, silentLogger, type TestDatabase } from '@backlex/test-utils'
import { onTestFinished } from 'vitest'

export interface Harness {
  database: TestDatabase
  /** A kernel on this dialect's database with the given plugins. */
  kernel(plugins: Plugin[], config?: Partial<BacklexConfig>): Backlex
}

/** A fresh database for the running test. */
export async function harness(dialect: DialectUnderTest): Promise<Harness> {
  const database = await dialect.create()
  const kernels: Backlex[] = []
  onTestFinished(async () => {
    for (const k of kernels) await k.shutdown()
    await database.cleanup()
  })
  return {
    database,
    kernel(plugins, config = {}) {
      const k = createBacklex(
        defineConfig({
          logger: silentLogger(),
          ...config,
          plugins: [database.plugin(), ...plugins],
        }),
      )
      kernels.push(k)
      return k
    },
  }
}

/** The kernels' dialects that can run here (PostgreSQL needs TEST_DATABASE_URL). */
export { dialects } from '@backlex/test-utils'
