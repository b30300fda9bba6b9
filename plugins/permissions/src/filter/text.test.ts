// Text semantics both back ends share: ASCII folding, code point order, LIKE escaping.
import { describe, expect, it } from 'vitest'
import { codePointLength, compareText, escapeLike, foldAscii, foldReplacements } from './text.js'

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

describe('foldReplacements', () => {
  it('names every character above ASCII that lower-cases into a needle character', () => {
    // A scan of every code point: what a Unicode update changes shows here.
    for (let cp = 0x80; cp <= 0x10ffff; cp++) {
      if (cp >= 0xd800 && cp <= 0xdfff) continue
      const source = String.fromCodePoint(cp)
      const lower = source.toLowerCase()
      // Σ folds by context (ς at a word's end): never replaced, see foldReplacements.
      if (lower === source || source === '\u03A3') continue
      for (const char of lower) {
        // A non-ASCII companion makes the needle eligible; its own sources are beside the point.
        const steps = new Map(foldReplacements(`${char}é`))
        expect(steps.get(source), `U+${cp.toString(16)} into ${char}`).toBe(lower)
      }
    }
  })
})
