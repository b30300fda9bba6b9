// Text semantics both back ends share: ASCII folding, code point order, LIKE escaping.
import { describe, expect, it } from 'vitest'
import { codePointLength, compareText, escapeLike, foldAscii } from './text.js'

describe('text semantics', () => {
  it('folds ASCII letters only', () => {
    expect(foldAscii('ÉCOLE Zoo')).toBe('École zoo')
    expect(foldAscii('ẞİΣ\u212A')).toBe('ẞİΣ\u212A')
    expect(foldAscii('already lower')).toBe('already lower')
  })

  it('orders by code point, not by UTF-16 code unit', () => {
    expect(compareText('\uE000', '😀')).toBe(-1)
    expect('\uE000' < '😀').toBe(false)
    expect(compareText('B', 'a')).toBe(-1)
    expect(compareText('a', 'ab')).toBe(-1)
    expect(compareText('é', 'é')).toBe(0)
    const sorted = ['😀', 'z', '\uE000', 'Z', '', 'é'].sort(compareText)
    expect(sorted).toEqual(['', 'Z', 'z', 'é', '\uE000', '😀'])
  })

  it('counts code points like SQLite length()', () => {
    expect(codePointLength('a😀b')).toBe(3)
    expect(codePointLength('')).toBe(0)
  })

  it('escapes LIKE wildcards and the escape character', () => {
    expect(escapeLike('100%_\\x')).toBe('100\\%\\_\\\\x')
  })
})
