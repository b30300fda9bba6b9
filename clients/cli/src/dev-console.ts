// What `backlex dev` (and `backlex start` on a terminal) prints for people: a banner with where
// each surface of the server answers, read from the kernel's route table, and one line per
// migration applied at boot. Logs stay the Logger's JSON lines.
import type { MigrationResult, RouteInfo } from '@backlex/kernel'

/** Names for paths that are a surface of their own: shown when a plugin serves them. */
const SURFACES: Readonly<Record<string, string>> = {
  '/api/openapi': 'OpenAPI',
  '/api/graphql': 'GraphQL',
  '/mcp': 'MCP',
  '/health': 'Health',
}

/** The path up to its first parameter, without a trailing slash: `/api/items/:slug` -> `/api/items`. */
const staticPart = (path: string) => {
  const param = path.search(/\/[:*{]/)
  return (param === -1 ? path : path.slice(0, param)) || '/'
}

/** The longest common path prefix (by segments) of some paths. */
function commonPrefix(paths: readonly string[]): string {
  const split = paths.map((p) => p.split('/').filter(Boolean))
  const first = split[0] ?? []
  let n = 0
  while (n < first.length && split.every((s) => s[n] === first[n])) n++
  return `/${first.slice(0, n).join('/')}`
}

export interface BannerLine {
  label: string
  url: string
  /** The plugin that serves it, for lines not named after a surface. */
  note?: string
}

/**
 * The banner's lines: the API's base, then each named surface the route table has (OpenAPI,
 * GraphQL, MCP, Health), then every other plugin's routes by their common prefix.
 * @example
 * bannerLines('http://127.0.0.1:3000', kernel.inspect().routes)
 * // [{ label: 'API', url: 'http://127.0.0.1:3000/api' }, { label: 'OpenAPI', ... }, ...]
 */
export function bannerLines(url: string, routes: readonly RouteInfo[]): BannerLine[] {
  const lines: BannerLine[] = [{ label: 'API', url: `${url}/api` }]
  const named = new Set<string>()
  for (const [path, label] of Object.entries(SURFACES)) {
    const route = routes.find((r) => r.path === path)
    if (!route) continue
    lines.push({ label, url: `${url}${path}` })
    named.add(route.plugin)
  }
  const byPlugin = new Map<string, string[]>()
  for (const route of routes) {
    if (named.has(route.plugin) || route.plugin === '@backlex/kernel') continue
    byPlugin.set(route.plugin, [...(byPlugin.get(route.plugin) ?? []), staticPart(route.path)])
  }
  for (const [plugin, paths] of byPlugin) {
    lines.push({ label: plugin, url: `${url}${commonPrefix(paths).replace(/^\/$/, '')}` })
  }
  return lines
}

/**
 * The banner as printed: a title line, then one `label  url` line each, aligned.
 * @example
 * process.stdout.write(formatBanner('dev', url, kernel.inspect().routes))
 */
export function formatBanner(
  mode: 'dev' | 'start',
  url: string,
  routes: readonly RouteInfo[],
): string {
  const lines = bannerLines(url, routes)
  const width = Math.max(...lines.map((l) => l.label.length))
  return [
    `backlex ${mode}: listening on ${url}`,
    ...lines.map((l) => `  ${l.label.padEnd(width)}  ${l.url}`),
    '',
  ].join('\n')
}

/**
 * One line per migration applied, e.g. `migrated @backlex/collections 0001_collections`.
 * @example
 * process.stdout.write(formatMigrations(await kernel.migrate()))
 */
export function formatMigrations(results: readonly MigrationResult[]): string {
  return results.flatMap((r) => r.applied.map((name) => `migrated ${r.plugin} ${name}\n`)).join('')
}
