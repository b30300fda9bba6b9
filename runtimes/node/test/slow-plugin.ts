// Plugins whose responses outlast a request: a route that blocks until the test releases it,
// and an endless event stream, to observe in-flight requests at shutdown.
import { definePlugin, defineRoute } from '@backlex/kernel'
import { Hono } from 'hono'

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

/**
 * A plugin serving an event stream that never ends on its own; its `drain` hook ends every open
 * stream, as @backlex/realtime does.
 */
export function streaming() {
  const open = new Set<ReadableStreamDefaultController<Uint8Array>>()
  let markOpened: () => void = () => {}
  const opened = new Promise<void>((resolve) => {
    markOpened = resolve
  })
  const order: string[] = []
  const plugin = definePlugin({
    name: '@test/streaming',
    version: '1.0.0',
    register(ctx) {
      const app = new Hono()
      app.get('/', () => {
        const body = new ReadableStream<Uint8Array>({
          start(controller) {
            open.add(controller)
            controller.enqueue(new TextEncoder().encode(': open\n\n'))
            markOpened()
          },
          cancel() {
            open.clear()
          },
        })
        return new Response(body, { headers: { 'content-type': 'text/event-stream' } })
      })
      ctx.routes('/stream', app)
    },
    drain() {
      order.push('drain')
      for (const controller of open) controller.close()
      open.clear()
    },
    shutdown() {
      order.push('shutdown')
    },
  })()
  return { plugin, opened: () => opened, order }
}
