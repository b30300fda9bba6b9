// The Embedder contract: text to vectors.
import { defineService } from '../services.js'

export interface EmbedderAdapter {
  readonly dimensions: number
  embed(texts: string[]): Promise<number[][]>
}

export const Embedder = defineService<EmbedderAdapter>('backlex.embedder')
