// `backlex routes`: every HTTP route the server answers, and the plugin it belongs to.
import { type Command, configOption, jsonOption } from '../command.js'
import { formatTable } from '../table.js'
import { kernelOf, print, printJson } from './kernel.js'

export const routes: Command = {
  name: 'routes',
  summary: 'Show the route table',
  description: 'Lists every route of the config’s plugins (and the kernel’s own) without booting.',
  options: { ...jsonOption, ...configOption },
  async run(values) {
    const kernel = await kernelOf(values)
    const table = kernel.inspect().routes
    if (values.json) {
      printJson(table)
      return 0
    }
    print(
      formatTable(
        ['METHOD', 'PATH', 'EFFECT', 'PLUGIN', 'SUMMARY'],
        table.map((r) => [r.method, r.path, r.effect, r.plugin, r.summary ?? '']),
      ),
    )
    return 0
  },
}
