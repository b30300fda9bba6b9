// The register phase: validates each plugin of a config (factory called, unique name, kernel
// range, runtime capabilities, options), runs its `register()` and collects what it declared
// (services, routes, sub-apps, tools, hooks, contributions), then orders plugins by their
// services. No I/O and no service instances happen here.
import satisfies from 'semver/functions/satisfies.js'
import validRange from 'semver/ranges/valid.js'
import type { Provision } from './container.js'
import { KERNEL_PLUGIN } from './container.js'
import { Database } from './contracts/database.js'
import { KernelErrors } from './errors.js'
import { addHook, type EventRegistry } from './events.js'
import { resolvePluginGraph } from './graph.js'
import type { Mount } from './http/app.js'
import { effectOfMethod } from './http/request-guards.js'
import type { RouteDefinition, RouteRecord } from './http/route.js'
import type { Plugin, PluginSpec, RegisterContext } from './plugin.js'
import type { PluginInfo, ResolvedConfig, RouteInfo, Use } from './plugin-api.js'
import type { ServiceToken } from './services.js'
import { TOOL_NAME, type ToolDefinition } from './tools.js'
import { KERNEL_VERSION } from './version.js'

export interface Registered {
  spec: PluginSpec
  options: unknown
  /** `spec.requires`, plus Database for plugins with migrations. */
  requires: ServiceToken<unknown>[]
  /** Service id -> how the plugin declared it. */
  declarations: Map<string, 'present' | 'optional'>
}

export interface Registration {
  plugins: Map<string, Registered>
  /** Plugin names, providers first. */
  order: string[]
  /** Service id -> providing plugin. */
  providers: Map<string, string>
  provisions: Map<string, Provision>
  routes: RouteRecord[]
  mounts: Mount[]
  tools: Map<string, ToolDefinition & { plugin: string }>
  contributions: Map<string, unknown[]>
}

export interface RegisterOptions {
  plugins: readonly Plugin[]
  config: ResolvedConfig
  events: EventRegistry
  /** Services the kernel provides unless a plugin does (memory PubSub and Kv, Logger, Clock). */
  defaults: ReadonlyMap<string, Provision['factory']>
  /** Routes of the kernel itself (/health, /api/openapi). */
  kernelRoutes: readonly RouteDefinition[]
  /** The scoped `use` of a plugin; it refuses to resolve anything until registration is done. */
  use: (plugin: string) => Use
}

const joinPath = (root: boolean | undefined, path: string) => {
  const clean = `/${path.replace(/^\/+/, '')}`.replace(/\/+$/, '')
  return (root ? clean : `/api${clean}`) || '/'
}

/** Checks a config entry is a called plugin factory and returns its validated options. */
function admit(plugin: Plugin, config: ResolvedConfig, taken: ReadonlyMap<string, unknown>) {
  if (typeof plugin === 'function') {
    const name = (plugin as { spec?: { name?: unknown } }).spec?.name
    throw KernelErrors.INVALID_PLUGIN(
      String(name ?? 'unknown'),
      'the plugin factory was listed without calling it; write `hello()`, not `hello`.',
    )
  }
  const spec = plugin?.spec
  if (!spec || typeof spec.name !== 'string') {
    throw KernelErrors.INVALID_PLUGIN(
      String(spec?.name ?? plugin),
      'not a plugin; did you forget to call the plugin factory, e.g. `hello()`?',
    )
  }
  const name = spec.name
  if (taken.has(name) || name === KERNEL_PLUGIN) throw KernelErrors.DUPLICATE_PLUGIN(name)
  if (spec.kernel !== undefined) {
    if (validRange(spec.kernel) === null) {
      throw KernelErrors.INVALID_PLUGIN(name, `"${spec.kernel}" is not a semver range.`)
    }
    if (!satisfies(KERNEL_VERSION, spec.kernel, { includePrerelease: true })) {
      throw KernelErrors.KERNEL_VERSION_MISMATCH(name, spec.kernel, KERNEL_VERSION)
    }
  }
  const runtime = config.runtime
  for (const capability of spec.needs ?? []) {
    if (!runtime.capabilities.includes(capability)) {
      throw KernelErrors.MISSING_CAPABILITY(name, capability, runtime.name)
    }
  }
  if (!spec.options) return { spec, options: plugin.options }
  const parsed = spec.options.safeParse(plugin.options ?? {})
  if (!parsed.success) {
    throw KernelErrors.INVALID_PLUGIN_OPTIONS(
      name,
      parsed.error.issues
        .map((i) => `${i.path.map(String).join('.') || '(options)'}: ${i.message}`)
        .join('; '),
    )
  }
  return { spec, options: parsed.data as unknown }
}

function declarationsOf(spec: PluginSpec, requires: readonly ServiceToken<unknown>[]) {
  const declarations = new Map<string, 'present' | 'optional'>()
  for (const token of spec.optional ?? []) declarations.set(token.id, 'optional')
  for (const token of [...requires, ...(spec.provides ?? [])]) declarations.set(token.id, 'present')
  return declarations
}

/** Runs the register phase of every plugin of a config. */
export function registerPlugins(options: RegisterOptions): Registration {
  const plugins = new Map<string, Registered>()
  const provisions = new Map<string, Provision>()
  const routes: RouteRecord[] = []
  const mounts: Mount[] = []
  const tools = new Map<string, ToolDefinition & { plugin: string }>()
  const contributions = new Map<string, unknown[]>()
  const routeOwners = new Map<string, string>()

  const claimRoute = (plugin: string, method: string, fullPath: string) => {
    const key = `${method.toUpperCase()} ${fullPath.replace(/\/+$/, '') || '/'}`
    const other = routeOwners.get(key)
    if (other !== undefined)
      throw KernelErrors.DUPLICATE_ROUTE(plugin, other, method.toUpperCase(), fullPath)
    routeOwners.set(key, plugin)
  }
  const addRoute = (plugin: string, route: RouteDefinition) => {
    const fullPath = joinPath(route.root, route.path)
    claimRoute(plugin, route.method, fullPath)
    routes.push({ plugin, method: route.method, fullPath, definition: route })
  }
  for (const route of options.kernelRoutes) addRoute(KERNEL_PLUGIN, route)

  for (const plugin of options.plugins) {
    const { spec, options: pluginOptions } = admit(plugin, options.config, plugins)
    const name = spec.name
    const requires = [...(spec.requires ?? [])] as ServiceToken<unknown>[]
    const hasMigrations = Object.keys(spec.migrations ?? {}).length > 0
    if (hasMigrations && !requires.some((t) => t.id === Database.id)) requires.push(Database)
    plugins.set(name, {
      spec,
      options: pluginOptions,
      requires,
      declarations: declarationsOf(spec, requires),
    })

    let open = true
    const guard = (what: string) => {
      if (!open) throw KernelErrors.REGISTER_PHASE_ONLY(name, what)
    }
    const declared = new Set((spec.provides ?? []).map((t) => t.id))
    const ctx: RegisterContext = {
      plugin: name,
      use: options.use(name),
      provide(token, factory, lifecycle) {
        guard('provide()')
        if (!declared.has(token.id)) {
          throw KernelErrors.INVALID_PLUGIN(
            name,
            `provides "${token.id}" without listing it in provides.`,
          )
        }
        provisions.set(token.id, {
          plugin: name,
          factory,
          lifecycle: lifecycle as Provision['lifecycle'],
        })
      },
      route(route) {
        guard('route()')
        addRoute(name, route)
      },
      routes(prefix, app, opts) {
        guard('routes()')
        const fullPath = joinPath(opts?.root, prefix)
        for (const r of app.routes) {
          if (r.method === 'ALL') continue
          const path = `${fullPath}${r.path === '/' ? '' : r.path}`
          claimRoute(name, r.method, path)
          routes.push({
            plugin: name,
            method: r.method.toLowerCase(),
            fullPath: path,
            effect: opts?.effect,
          })
        }
        mounts.push({ plugin: name, fullPath, app, effect: opts?.effect })
      },
      tool(tool) {
        guard('tool()')
        if (!TOOL_NAME.test(tool.name)) {
          throw KernelErrors.INVALID_PLUGIN(
            name,
            `tool name "${tool.name}" must match ${TOOL_NAME}.`,
          )
        }
        const other = tools.get(tool.name)
        if (other) throw KernelErrors.DUPLICATE_TOOL(name, other.plugin, tool.name)
        tools.set(tool.name, { ...tool, plugin: name })
      },
      on: {
        filter(event, hook) {
          guard('on.filter()')
          addHook(options.events, 'filters', event, { plugin: name, hook: hook as never })
        },
        action(event, hook) {
          guard('on.action()')
          addHook(options.events, 'actions', event, { plugin: name, hook: hook as never })
        },
      },
      contribute(point, value) {
        guard('contribute()')
        const list = contributions.get(point.id) ?? []
        list.push(value)
        contributions.set(point.id, list)
      },
    }
    spec.register?.(ctx, pluginOptions as never)
    open = false
    for (const id of declared) {
      if (!provisions.has(id)) {
        throw KernelErrors.INVALID_PLUGIN(
          name,
          `lists "${id}" in provides but never calls ctx.provide() for it.`,
        )
      }
    }
  }

  const defaults = new Map<string, string>()
  for (const [id, factory] of options.defaults) {
    defaults.set(id, KERNEL_PLUGIN)
    if (!provisions.has(id)) provisions.set(id, { plugin: KERNEL_PLUGIN, factory })
  }
  const graph = resolvePluginGraph(
    [...plugins.values()].map(({ spec, requires }) => ({
      name: spec.name,
      requires,
      optional: spec.optional ?? [],
      provides: spec.provides ?? [],
    })),
    defaults,
  )
  return {
    plugins,
    order: graph.order,
    providers: graph.providers,
    provisions,
    routes,
    mounts,
    tools,
    contributions,
  }
}

export function pluginInfos(reg: Registration): PluginInfo[] {
  return reg.order.flatMap((name) => {
    const entry = reg.plugins.get(name)
    if (!entry) return []
    const { spec, requires } = entry
    return [
      {
        name: spec.name,
        version: spec.version,
        kernel: spec.kernel ?? null,
        requires: requires.map((t) => t.id),
        optional: (spec.optional ?? []).map((t) => t.id),
        provides: (spec.provides ?? []).map((t) => t.id),
        migrations: Object.keys(spec.migrations ?? {}),
      },
    ]
  })
}

export function routeInfos(reg: Registration): RouteInfo[] {
  return reg.routes.map((r) => ({
    plugin: r.plugin,
    method: r.method.toUpperCase(),
    path: r.fullPath,
    effect: r.definition?.effect ?? r.effect ?? effectOfMethod(r.method),
    ...(r.definition?.summary ? { summary: r.definition.summary } : {}),
  }))
}
