// The backlog every stream and in-process sink keeps: a burst over the limit passes when the
// reader catches up in time, a reader that stays over it is judged slow, held items count too.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { Backlog } from './event-stream.js'

describe('Backlog', () => {
  beforeEach(() => {
    vi.useFakeTimers()
  })
  afterEach(() => {
    vi.useRealTimers()
  })

  const make = (maxBytes = 10) => {
    const slow = vi.fn()
    const backlog = new Backlog<string>({ maxBytes, size: (s) => s.length, onSlow: slow })
    return { backlog, slow }
  }

  it('lets a burst over the limit pass when the reader catches up in time', () => {
    const { backlog, slow } = make()
    backlog.push('123456')
    backlog.push('789012') // 12 bytes: over, judged later
    expect(backlog.shift()).toBe('123456')
    vi.advanceTimersByTime(100)
    expect(slow).not.toHaveBeenCalled()
    expect(backlog.length).toBe(1)
  })

  it('calls the reader slow once when the backlog stays over the limit', () => {
    const { backlog, slow } = make()
    backlog.push('123456')
    backlog.push('789012')
    backlog.push('345678')
    vi.advanceTimersByTime(49)
    expect(slow).not.toHaveBeenCalled()
    vi.advanceTimersByTime(1)
    expect(slow).toHaveBeenCalledTimes(1)
  })

  it('keeps items back while held, in order, and cuts at once past the limit', () => {
    const { backlog, slow } = make()
    expect(backlog.keep('a')).toBe(false) // not holding
    backlog.hold()
    expect(backlog.holding).toBe(true)
    expect(backlog.keep('bb')).toBe(true)
    expect(backlog.keep('ccc')).toBe(true)
    expect(backlog.length).toBe(0)
    expect(backlog.release()).toEqual(['bb', 'ccc'])
    expect(backlog.holding).toBe(false)
    backlog.hold()
    backlog.keep('12345678901')
    expect(slow).toHaveBeenCalledTimes(1)
  })

  it('clears everything and the pending check', () => {
    const { backlog, slow } = make()
    backlog.hold()
    backlog.keep('x')
    for (let i = 0; i < 5; i++) backlog.push('1234')
    backlog.clear()
    vi.advanceTimersByTime(100)
    expect(slow).not.toHaveBeenCalled()
    expect(backlog.length).toBe(0)
    expect(backlog.holding).toBe(false)
    expect(backlog.shift()).toBeUndefined()
  })
})
