// Loaded with `--import` into the server process of `backlex dev`: tells the supervisor every
// file the process loads, with a hash of the content it loaded, so a save that lands before the
// supervisor watches the file is still seen (the supervisor compares the hash once it watches).
import { createHash } from 'node:crypto'
import { readFileSync } from 'node:fs'
import module from 'node:module'
import { fileURLToPath } from 'node:url'
import { LOADED_MESSAGE, type LoadedFile } from './protocol.js'

const hashOf = (path: string): string | null => {
  try {
    return createHash('sha1').update(readFileSync(path)).digest('hex')
  } catch {
    return null
  }
}

if (process.send) {
  const seen = new Set<string>()
  module.registerHooks({
    load(url, context, nextLoad) {
      if (url.startsWith('file:')) {
        const path = fileURLToPath(url)
        if (!seen.has(path)) {
          seen.add(path)
          // Hashed before Node reads it: a save in between shows as a difference, never as none.
          const file: LoadedFile = { path, hash: hashOf(path) }
          process.send?.({ [LOADED_MESSAGE]: file })
        }
      }
      return nextLoad(url, context)
    },
  })
}
