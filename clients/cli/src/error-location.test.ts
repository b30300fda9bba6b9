// Locations of config errors as Node reports them: syntax errors (file, line, caret) and
// runtime errors (the first frame in the project).
import { describe, expect, it } from 'vitest'
import { sourceLocationOf } from './error-location.js'

const withStack = (stack: string) => Object.assign(new Error('x'), { stack })

describe('sourceLocationOf', () => {
  it('reads a syntax error’s file, line and caret column', () => {
    const error = withStack(
      '/app/backlex.config.ts:3\n  x: 1,,\n       ^\n\nSyntaxError: Unexpected token',
    )
    expect(sourceLocationOf(error, '/app')).toEqual({
      file: '/app/backlex.config.ts',
      line: 3,
      column: 8,
    })
  })

  it('reads a file URL with a line and no caret', () => {
    const error = withStack("file:///app/backlex.config.ts:1\nimport { x } from './a.ts'\n")
    expect(sourceLocationOf(error, '/app')).toEqual({ file: '/app/backlex.config.ts', line: 1 })
  })

  it('takes the first frame in the project, past node_modules and Node’s own', () => {
    const error = withStack(
      [
        'Error: SECRET is not set',
        '    at requireEnv (file:///app/node_modules/env-lib/index.js:3:9)',
        '    at ModuleJob.run (node:internal/modules/esm/module_job:561:25)',
        '    at file:///app/backlex.config.ts:12:5',
      ].join('\n'),
    )
    expect(sourceLocationOf(error, '/app')).toEqual({
      file: '/app/backlex.config.ts',
      line: 12,
      column: 5,
    })
  })

  it('gives nothing for an error without a location', () => {
    expect(sourceLocationOf(withStack('Error: x\n    at node:internal/a:1:1'), '/app')).toBe(
      undefined,
    )
    expect(sourceLocationOf('not an error', '/app')).toBe(undefined)
  })
})
