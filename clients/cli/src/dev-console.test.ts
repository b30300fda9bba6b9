// The dev console's banner comes from the kernel's route table: a plugin's surface appears when
// the plugin is installed, and nowhere else. Migration lines: one per migration applied.
import { createBacklex, definePlugin, defineRoute, type Plugin } from '@backlex/kernel'
import { describe, expect, it } from 'vitest'
import { formatBanner, formatMigrations } from './dev-console.js'

const URL = 'http://127.0.0.1:3000'

/** A plugin answering GET at each of `paths` (under /api unless `root`). */
const servesAt = (name: string, paths: string[], root = false): Plugin =>
  definePlugin({
    name,
    version: '1.0.0',
    register(ctx) {
      for (const path of paths) {
        ctx.route(defineRoute({ method: 'get', path, root, handler: () => ({ ok: true }) }))
      }
    },
  })()

const routesOf = (...plugins: Plugin[]) => createBacklex({ plugins }).inspect().routes

describe('formatBanner', () => {
  it('lists the API, the kernel’s OpenAPI and health, and each other plugin by its prefix', () => {
    expect(
      formatBanner('dev', URL, routesOf(servesAt('@acme/notes', ['/notes', '/notes/:id']))),
    ).toBe(
      [
        `backlex dev: listening on ${URL}`,
        `  API          ${URL}/api`,
        `  OpenAPI      ${URL}/api/openapi`,
        `  Health       ${URL}/health`,
        `  @acme/notes  ${URL}/api/notes`,
        '',
      ].join('\n'),
    )
  })

  it('names GraphQL and MCP when a plugin serves them, and not otherwise', () => {
    const banner = formatBanner(
      'start',
      URL,
      routesOf(
        servesAt('@backlex/graphql', ['/graphql']),
        servesAt('@backlex/mcp', ['/mcp'], true),
      ),
    )
    expect(banner).toContain(`  GraphQL  ${URL}/api/graphql\n`)
    expect(banner).toContain(`  MCP      ${URL}/mcp\n`)
    expect(banner).not.toContain('@backlex/graphql')
    const without = formatBanner('start', URL, routesOf())
    expect(without).not.toContain('GraphQL')
    expect(without).not.toContain('MCP')
  })
})

describe('formatMigrations', () => {
  it('prints one line per migration applied, none when nothing was pending', () => {
    expect(
      formatMigrations([
        { plugin: '@backlex/collections', applied: ['0001_collections', '0002_activity'] },
        { plugin: '@acme/notes', applied: [] },
      ]),
    ).toBe(
      'migrated @backlex/collections 0001_collections\nmigrated @backlex/collections 0002_activity\n',
    )
    expect(formatMigrations([{ plugin: '@acme/notes', applied: [] }])).toBe('')
  })
})
