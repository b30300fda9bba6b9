// Runs work in a transaction where the database has them (D1 has none: the steps then run in order).
import type { DatabaseAdapter } from '@backlex/kernel'
import type { AuthDb } from './db.js'

export function inTransaction<T>(
  database: DatabaseAdapter,
  work: (db: AuthDb) => Promise<T>,
): Promise<T> {
  const db = database.db as AuthDb
  if (!database.capabilities.transactions) return work(db)
  return db.transaction().execute(work)
}
