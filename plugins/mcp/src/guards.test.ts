// toolRefusal: the endpoint, the key's allowlist and its read-only flag, in that order.
import type { Principal, ToolAnnotation } from '@backlex/kernel'
import { describe, expect, it } from 'vitest'
import { toolRefusal } from './guards.js'

const user: Principal = { type: 'user', id: 'u1', userId: 'u1', roles: ['editor'], admin: false }
const key = (scopes: Principal['scopes']): Principal => ({
  type: 'apiKey',
  id: 'k1',
  userId: 'u1',
  roles: ['admin'],
  admin: true,
  ...(scopes ? { scopes } : {}),
})
const tool = (name: string, annotation: ToolAnnotation) => ({ name, annotation })
const refusal = (...args: Parameters<typeof toolRefusal>) => toolRefusal(...args)?.code ?? null

describe('toolRefusal', () => {
  it('lets sessions and unrestricted keys call every non-admin tool at /mcp', () => {
    for (const annotation of ['read', 'write', 'destructive'] as const) {
      expect(refusal(tool('notes.x', annotation), user, 'agent')).toBeNull()
      expect(
        refusal(tool('notes.x', annotation), key({ readOnly: false, tools: null }), 'agent'),
      ).toBeNull()
    }
  })

  it('keeps admin tools to the admin endpoint', () => {
    expect(refusal(tool('roles.list', 'admin'), key(undefined), 'agent')).toBe('MCP_ADMIN_TOOL')
    expect(refusal(tool('roles.list', 'admin'), key(undefined), 'admin')).toBeNull()
  })

  it('refuses tools outside the allowlist, whatever they do', () => {
    const limited = key({ readOnly: false, tools: ['notes.list'] })
    expect(refusal(tool('notes.list', 'read'), limited, 'agent')).toBeNull()
    expect(refusal(tool('notes.create', 'write'), limited, 'agent')).toBe('MCP_TOOL_NOT_ALLOWED')
    expect(refusal(tool('roles.list', 'admin'), limited, 'admin')).toBe('MCP_TOOL_NOT_ALLOWED')
    // An empty allowlist allows nothing; null allows everything.
    expect(refusal(tool('notes.list', 'read'), key({ readOnly: false, tools: [] }), 'agent')).toBe(
      'MCP_TOOL_NOT_ALLOWED',
    )
  })

  it('lets read-only keys call read tools only; admin tools count as writes', () => {
    const readOnly = key({ readOnly: true, tools: null })
    expect(refusal(tool('notes.list', 'read'), readOnly, 'agent')).toBeNull()
    expect(refusal(tool('notes.create', 'write'), readOnly, 'agent')).toBe('READ_ONLY_KEY')
    expect(refusal(tool('notes.delete', 'destructive'), readOnly, 'agent')).toBe('READ_ONLY_KEY')
    expect(refusal(tool('roles.list', 'admin'), readOnly, 'admin')).toBe('READ_ONLY_KEY')
  })

  it('names the tool in every refusal', () => {
    const error = toolRefusal(
      tool('notes.create', 'write'),
      key({ readOnly: true, tools: null }),
      'agent',
    )
    expect(error).toMatchObject({ status: 403, details: { tool: 'notes.create' } })
    expect(error?.message).toBe(
      'This API key is read-only, and tool "notes.create" may change data.',
    )
  })
})
