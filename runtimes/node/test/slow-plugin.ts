// A plugin whose route blocks until the test releases it, to observe in-flight requests.
import { definePlugin, defineRoute } from '@backlex/kernel'

export function blocking() {
  let release: () => void = () => {}
  const released = new Promise<void>((resolve) => {
    release = resolve
  })
  let markEntered: () => void = () => {}
  const entered = new Promise<void>((resolve) => {
    markEntered = resolve
  })
  let shutdowns = 0
  const plugin = definePlugin({
    name: '@test/blocking',
    version: '1.0.0',
    register(ctx) {
      ctx.route(
        defineRoute({
          method: 'get',
          path: '/block',
          handler: async () => {
            markEntered()
            await released
            return { released: true }
          },
        }),
      )
    },
    shutdown() {
      shutdowns++
    },
  })()
  return { plugin, entered: () => entered, release, shutdowns: () => shutdowns }
}
