// `backlex migrate`: applies pending migrations, or shows which have run.
import { Database } from '@backlex/kernel'
import { type Command, configOption, jsonOption } from '../command.js'
import { formatTable } from '../table.js'
import { kernelOf, print, printJson } from './kernel.js'

export const migrate: Command = {
  name: 'migrate',
  summary: 'Apply pending migrations (--status: show which have run)',
  description: [
    'Applies the pending migrations of every plugin, in boot order, to the database the',
    'server would use: the config’s Database plugin, else PostgreSQL when DATABASE_URL is',
    'set, else ./.data/backlex.sqlite. With --status, changes nothing and lists them.',
  ].join('\n'),
  options: {
    status: { type: 'boolean', description: 'List migrations and whether they have run' },
    ...jsonOption,
    ...configOption,
  },
  async run(values) {
    const kernel = await kernelOf(values)
    const database = kernel.inspect().plugins.find((p) => p.provides.includes(Database.id))
    if (values.status) {
      const status = await kernel.migrationStatus()
      if (values.json) {
        printJson(status)
        return 0
      }
      const rows = status.flatMap((s) =>
        s.migrations.map((m) => [
          s.plugin,
          m.name,
          m.executedAt ? `applied ${m.executedAt}` : 'pending',
        ]),
      )
      if (rows.length === 0) print('No plugin has migrations.\n')
      else print(formatTable(['PLUGIN', 'MIGRATION', 'STATUS'], rows))
      return 0
    }
    const results = await kernel.migrate()
    if (values.json) {
      printJson(results)
      return 0
    }
    const applied = results.filter((r) => r.applied.length > 0)
    if (applied.length === 0) {
      print(`Nothing to migrate: the database (${database?.name}) is up to date.\n`)
    }
    for (const r of applied) print(`${r.plugin}: applied ${r.applied.join(', ')}\n`)
    return 0
  },
}
