// The messages between `backlex dev`'s supervisor and the server process it runs.

/** A file the server process loaded, and the SHA-1 of the content it read (null if unreadable). */
export interface LoadedFile {
  path: string
  hash: string | null
}

/** `{ [LOADED_MESSAGE]: LoadedFile }`: sent for each file, as it loads. */
export const LOADED_MESSAGE = 'backlex:loaded'

/** Set in the server process, so that `backlex dev` serves there instead of supervising. */
export const SUPERVISED_ENV = 'BACKLEX_DEV_WATCHED'

/**
 * Resolves once every message sent so far is written to the supervisor: a process that exits
 * right after a failed start would otherwise lose the reports of the files it just loaded.
 */
export function flushReports(): Promise<void> {
  const send = process.send?.bind(process)
  if (!send || !process.connected) return Promise.resolve()
  return new Promise((resolve) => {
    send({ 'backlex:flush': true }, undefined, {}, () => resolve())
  })
}
