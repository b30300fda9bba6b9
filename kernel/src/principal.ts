// Who is calling: resolved per request by auth plugins through the PrincipalResolvers point.
import { defineExtensionPoint } from './extension-points.js'

export type PrincipalType = 'anonymous' | 'user' | 'apiKey' | 'system'

export interface Principal {
  type: PrincipalType
  /** The user id, API key id or `system`; null when anonymous. */
  id: string | null
  /** The user behind an API key (or the user itself). */
  userId: string | null
  /** Role names; the union of their permissions applies. Anonymous callers hold `public`. */
  roles: readonly string[]
  /** Admins bypass permission rules. */
  admin: boolean
  /** Narrowing carried by API keys: read-only and a tool allowlist (null: every tool). */
  scopes?: { readOnly: boolean; tools: readonly string[] | null }
  /** Extra attributes for `$CURRENT_USER.<path>` in permission rules. */
  attributes?: Record<string, unknown>
}

export const anonymousPrincipal: Principal = Object.freeze({
  type: 'anonymous',
  id: null,
  userId: null,
  roles: Object.freeze(['public']),
  admin: false,
})

export const systemPrincipal: Principal = Object.freeze({
  type: 'system',
  id: 'system',
  userId: null,
  roles: Object.freeze(['admin']),
  admin: true,
})

export interface ResolveInput {
  request: Request
  workspace: string
}

/**
 * Turns a request into a principal, or null to let the next resolver try.
 * The first non-null answer wins; with none, the caller is anonymous.
 */
export type PrincipalResolver = (
  input: ResolveInput,
) => Promise<Principal | null> | Principal | null

export const PrincipalResolvers = defineExtensionPoint<PrincipalResolver>(
  'backlex.principal-resolvers',
)

/** Picks the workspace of a request, or null to let the next resolver try (default `main`). */
export type WorkspaceResolver = (request: Request) => string | null

export const WorkspaceResolvers = defineExtensionPoint<WorkspaceResolver>(
  'backlex.workspace-resolvers',
)

export const DEFAULT_WORKSPACE = 'main'
