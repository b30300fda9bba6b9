import { describe, expect, it } from 'vitest'
import { resolvePluginGraph } from './graph.js'
import { defineService } from './services.js'

const s = (id: string) => defineService<unknown>(id)
const node = (
  name: string,
  provides: string[] = [],
  requires: string[] = [],
  optional: string[] = [],
) => ({
  name,
  provides: provides.map(s),
  requires: requires.map(s),
  optional: optional.map(s),
})

describe('resolvePluginGraph', () => {
  it('orders providers first and keeps array order otherwise', () => {
    const { order } = resolvePluginGraph(
      [node('web', [], ['db']), node('mail'), node('db', ['db'])],
      new Map(),
    )
    expect(order).toEqual(['db', 'web', 'mail'])
  })

  it('orders optional dependencies when present and ignores them when absent', () => {
    const { order } = resolvePluginGraph(
      [node('a', [], [], ['cache', 'missing']), node('cache', ['cache'])],
      new Map(),
    )
    expect(order).toEqual(['cache', 'a'])
  })

  it('lets plugins override kernel defaults without a duplicate error', () => {
    const { providers } = resolvePluginGraph(
      [node('redis', ['kv'])],
      new Map([
        ['kv', 'kernel'],
        ['pubsub', 'kernel'],
      ]),
    )
    expect(providers.get('kv')).toBe('redis')
    expect(providers.get('pubsub')).toBe('kernel')
  })

  it('reports a two-node cycle with its path', () => {
    expect(() =>
      resolvePluginGraph([node('a', ['x'], ['y']), node('b', ['y'], ['x'])], new Map()),
    ).toThrow('a -> b -> a')
  })
})
