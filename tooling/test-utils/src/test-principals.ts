// A principal resolver for tests: the caller is whoever the `x-test-principal` header says
// (JSON), through the kernel's real PrincipalResolvers extension point. No header: anonymous.
import {
  definePlugin,
  type Principal,
  PrincipalResolvers,
  WorkspaceResolvers,
} from '@backlex/kernel'

export const PRINCIPAL_HEADER = 'x-test-principal'
export const WORKSPACE_HEADER = 'x-test-workspace'

/** Maps `x-test-principal: {"id":"u1","roles":["editor"]}` to a principal, `x-test-workspace` to a workspace. */
export const testPrincipals = definePlugin({
  name: '@backlex/test-principals',
  version: '0.0.0',
  register(ctx) {
    ctx.contribute(PrincipalResolvers, ({ request }) => {
      const header = request.headers.get(PRINCIPAL_HEADER)
      if (!header) return null
      const given = JSON.parse(header) as Partial<Principal>
      return {
        type: given.type ?? 'user',
        id: given.id ?? 'u1',
        userId: given.userId ?? given.id ?? 'u1',
        roles: given.roles ?? [],
        admin: given.admin ?? false,
        ...(given.scopes ? { scopes: given.scopes } : {}),
        ...(given.attributes ? { attributes: given.attributes } : {}),
      }
    })
    ctx.contribute(WorkspaceResolvers, (request) => request.headers.get(WORKSPACE_HEADER))
  },
})
