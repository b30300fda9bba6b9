// What a runtime preset tells the kernel about the platform it runs on.

/**
 * What a runtime offers; presets declare them and plugins list the ones they `need`.
 * `filesystem`: node:fs; `process`: env, signals, child processes; `tcp`: raw sockets (pg, SMTP);
 * `fetch`, `web-crypto`, `streams`: the Web APIs; `wait-until`: background work after a response.
 */
export type RuntimeCapability =
  | 'filesystem'
  | 'process'
  | 'tcp'
  | 'fetch'
  | 'web-crypto'
  | 'streams'
  | 'wait-until'
  // `string & {}` keeps autocompletion of the names above while allowing new ones.
  | (string & {})

export interface RuntimeInfo {
  /** The preset, e.g. `node`, `cloudflare`. */
  name: string
  capabilities: readonly RuntimeCapability[]
  /** How to read the client's address from a request and the runtime's env (the socket peer). */
  clientAddress?: (request: Request, env: unknown) => string | null
  /**
   * Where the server listens once it does, e.g. `http://127.0.0.1:3000` (undefined before, or
   * on runtimes that do not listen). Dev servers build links from it when no public URL is set.
   */
  listenURL?: () => string | undefined
}
