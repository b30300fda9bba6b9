// mcpToolHints: every kernel annotation maps to a full, consistent set of MCP hints.
import { describe, expect, it } from 'vitest'
import { mcpToolHints } from './annotations.js'

describe('mcpToolHints', () => {
  it('marks reads read-only and idempotent, deletes and admin tools destructive', () => {
    expect(mcpToolHints('read')).toEqual({
      readOnlyHint: true,
      destructiveHint: false,
      idempotentHint: true,
      openWorldHint: false,
    })
    expect(mcpToolHints('write')).toMatchObject({ readOnlyHint: false, destructiveHint: false })
    expect(mcpToolHints('destructive')).toMatchObject({
      readOnlyHint: false,
      destructiveHint: true,
    })
    expect(mcpToolHints('admin')).toMatchObject({ readOnlyHint: false, destructiveHint: true })
  })

  it('hands out copies, so a caller cannot change the table', () => {
    const hints = mcpToolHints('read')
    hints.readOnlyHint = false
    expect(mcpToolHints('read').readOnlyHint).toBe(true)
  })
})
