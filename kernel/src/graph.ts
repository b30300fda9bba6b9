// Orders plugins so every provider boots before the plugins that require it.
// Array position only breaks ties; missing providers, duplicates and cycles fail fast.
import { KernelErrors } from './errors.js'
import type { ServiceToken } from './services.js'

export interface GraphNode {
  name: string
  requires: readonly ServiceToken<unknown>[]
  optional: readonly ServiceToken<unknown>[]
  provides: readonly ServiceToken<unknown>[]
}

export interface ResolvedGraph {
  /** Plugin names, providers first. */
  order: string[]
  /** Service id -> providing plugin. */
  providers: Map<string, string>
}

/**
 * @param defaults service ids the kernel provides itself unless a plugin does (no error then).
 */
export function resolvePluginGraph(
  nodes: readonly GraphNode[],
  defaults: ReadonlyMap<string, string>,
): ResolvedGraph {
  const providers = new Map<string, string>()
  for (const node of nodes) {
    for (const token of node.provides) {
      const other = providers.get(token.id)
      if (other !== undefined) throw KernelErrors.DUPLICATE_PROVIDER(node.name, other, token)
      providers.set(token.id, node.name)
    }
  }
  for (const [id, name] of defaults) if (!providers.has(id)) providers.set(id, name)

  const dependencies = new Map<string, string[]>()
  for (const node of nodes) {
    const deps: string[] = []
    for (const token of node.requires) {
      const provider = providers.get(token.id)
      if (provider === undefined) throw KernelErrors.MISSING_PROVIDER(node.name, token)
      if (provider !== node.name) deps.push(provider)
    }
    for (const token of node.optional) {
      const provider = providers.get(token.id)
      if (provider !== undefined && provider !== node.name) deps.push(provider)
    }
    dependencies.set(node.name, deps)
  }

  const order: string[] = []
  const state = new Map<string, 'visiting' | 'done'>()
  const stack: string[] = []
  const visit = (name: string) => {
    const seen = state.get(name)
    if (seen === 'done') return
    if (seen === 'visiting') {
      throw KernelErrors.DEPENDENCY_CYCLE([...stack.slice(stack.indexOf(name)), name])
    }
    state.set(name, 'visiting')
    stack.push(name)
    for (const dep of dependencies.get(name) ?? []) visit(dep)
    stack.pop()
    state.set(name, 'done')
    order.push(name)
  }
  for (const node of nodes) visit(node.name)
  return { order, providers }
}
