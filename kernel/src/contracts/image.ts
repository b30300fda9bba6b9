// The Image contract: resize and re-encode images.
import { defineService } from '../services.js'

export interface ImageTransform {
  width?: number
  height?: number
  fit?: 'cover' | 'contain' | 'fill' | 'inside' | 'outside'
  format?: 'jpeg' | 'png' | 'webp' | 'avif'
  quality?: number
}

export interface ImageAdapter {
  transform(
    input: Uint8Array,
    transform: ImageTransform,
  ): Promise<{ body: Uint8Array; contentType: string }>
}

export const Image = defineService<ImageAdapter>('backlex.image')
