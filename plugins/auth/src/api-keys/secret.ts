// API key secrets: `blx_` + 40 base62 characters (~238 bits), stored only as a SHA-256 hash.

export const API_KEY_PREFIX = 'blx_'
const ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz'
const LENGTH = 40

/** A new secret from the Web Crypto RNG; rejection sampling keeps every character uniform. */
export function generateApiKeySecret(): string {
  let out = API_KEY_PREFIX
  // 248 is the largest multiple of 62 below 256: bytes above it are dropped to avoid bias.
  while (out.length < API_KEY_PREFIX.length + LENGTH) {
    for (const byte of crypto.getRandomValues(new Uint8Array(64))) {
      if (byte < 248 && out.length < API_KEY_PREFIX.length + LENGTH) out += ALPHABET[byte % 62]
    }
  }
  return out
}

type NodeCrypto = {
  createHash(algorithm: string): { update(data: string): { digest(encoding: 'hex'): string } }
  /** One-shot hashing (Node 20.12+, 21.7+): no Hash object per call. */
  hash?(algorithm: string, data: string, encoding: 'hex'): string
}

/**
 * node:crypto where the runtime has it (Node, Bun, Deno): hashing a key on every request
 * synchronously is much cheaper than Web Crypto's round trip through the thread pool.
 * `getBuiltinModule` keeps this file free of a static Node import, so it still runs in workerd.
 */
const nodeCrypto = (
  globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }
).process?.getBuiltinModule?.('node:crypto') as NodeCrypto | undefined

/** Hex SHA-256 of a secret, synchronously where node:crypto exists; else undefined. */
export function hashApiKeySecretNow(secret: string): string | undefined {
  if (nodeCrypto?.hash) return nodeCrypto.hash('sha256', secret, 'hex')
  return nodeCrypto?.createHash('sha256').update(secret).digest('hex')
}

/** Hex SHA-256 of a secret: what the database stores and looks keys up by. */
export async function hashApiKeySecret(secret: string): Promise<string> {
  const now = hashApiKeySecretNow(secret)
  if (now !== undefined) return now
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(secret))
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, '0')).join('')
}

/** The part of a secret safe to show in lists: `blx_` and the next 8 characters. */
export function apiKeyDisplayPrefix(secret: string): string {
  return secret.slice(0, API_KEY_PREFIX.length + 8)
}

/** True when an Authorization header value carries a backlex API key. */
export function bearerApiKey(header: string | null): string | null {
  if (!header) return null
  const match = /^bearer\s+(blx_\S*)\s*$/i.exec(header)
  return match?.[1] ?? null
}
