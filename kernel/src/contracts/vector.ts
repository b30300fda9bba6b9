// The Vector contract: nearest-neighbour search over embeddings.
import { defineService } from '../services.js'

export interface VectorRecord {
  id: string
  vector: number[]
  metadata?: Record<string, unknown>
}

export interface VectorMatch {
  id: string
  score: number
  metadata?: Record<string, unknown>
}

export interface VectorAdapter {
  upsert(namespace: string, records: VectorRecord[]): Promise<void>
  query(namespace: string, vector: number[], options?: { topK?: number }): Promise<VectorMatch[]>
  delete(namespace: string, ids: string[]): Promise<void>
}

export const Vector = defineService<VectorAdapter>('backlex.vector')
