// The Storage contract: objects by key (files on disk, S3, R2).
import { defineService } from '../services.js'

export interface StoredObject {
  key: string
  size: number
  contentType: string
  etag?: string
  lastModified?: Date
}

export interface StorageAdapter {
  put(
    key: string,
    body: ReadableStream<Uint8Array> | Uint8Array,
    options?: { contentType?: string },
  ): Promise<StoredObject>
  get(key: string): Promise<(StoredObject & { body: ReadableStream<Uint8Array> }) | null>
  head(key: string): Promise<StoredObject | null>
  delete(key: string): Promise<void>
  list(prefix?: string): AsyncIterable<StoredObject>
}

export const Storage = defineService<StorageAdapter>('backlex.storage')
