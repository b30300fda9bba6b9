// The request log line's format is part of the dev console that users (and tests) read.
import { describe, expect, it } from 'vitest'
import { formatRequestLine, pathOf } from './request-log.js'

describe('formatRequestLine', () => {
  it('prints method, path, status and whole milliseconds', () => {
    expect(
      formatRequestLine({ method: 'GET', path: '/api/items/notes', status: 200, ms: 3.6 }),
    ).toBe('GET /api/items/notes 200 4ms')
    expect(formatRequestLine({ method: 'POST', path: '/api/notes', status: 400, ms: 0.2 })).toBe(
      'POST /api/notes 400 0ms',
    )
  })
})

describe('pathOf', () => {
  it('drops the origin and the query string', () => {
    expect(pathOf('http://127.0.0.1:3000/api/items/notes?access_token=x')).toBe('/api/items/notes')
    expect(pathOf('http://[::1]:3000/health')).toBe('/health')
    expect(pathOf('http://localhost:3000')).toBe('/')
  })
})
