// `backlex plugins`: the resolved plugin graph in boot order.
import { KERNEL_VERSION } from '@backlex/kernel'
import { type Command, configOption, jsonOption } from '../command.js'
import { formatTable } from '../table.js'
import { kernelOf, print, printJson } from './kernel.js'

const list = (items: readonly string[]) => (items.length > 0 ? items.join(', ') : '-')

export const plugins: Command = {
  name: 'plugins',
  summary: 'Show the plugins in boot order with what they require and provide',
  description: [
    'Resolves the plugin graph of the config (with the Node preset’s default Database) without',
    'booting anything, and lists the plugins in boot order. Optional services end with "?".',
  ].join('\n'),
  options: { ...jsonOption, ...configOption },
  async run(values) {
    const kernel = await kernelOf(values)
    const { plugins: infos } = kernel.inspect()
    if (values.json) {
      printJson(infos)
      return 0
    }
    print(`@backlex/kernel ${KERNEL_VERSION}, runtime ${kernel.config.runtime.name}\n\n`)
    print(
      formatTable(
        ['#', 'PLUGIN', 'VERSION', 'REQUIRES', 'PROVIDES', 'MIGRATIONS'],
        infos.map((p, i) => [
          String(i + 1),
          p.name,
          p.version,
          list([...p.requires, ...p.optional.map((id) => `${id}?`)]),
          list(p.provides),
          String(p.migrations.length),
        ]),
      ),
    )
    return 0
  },
}
