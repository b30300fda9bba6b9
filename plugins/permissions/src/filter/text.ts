// Text semantics shared by the SQL compiler and the matcher: case folding, code point ordering
// and LIKE escaping. Both back ends must mean exactly the same thing by each.

const ASCII_UPPER = /[A-Z]/
const ASCII_UPPER_ALL = /[A-Z]/g
const NON_ASCII = /[\u0080-\uffff]/
const toLower = (c: string) => String.fromCharCode(c.charCodeAt(0) + 32)
let lastFolded = ''
let lastFoldedTo = ''

/**
 * Lower-cases A-Z and nothing else: what SQLite's built-in `lower()` does without ICU, and what
 * PostgreSQL's `lower(x COLLATE "C")` does. (The operators fold with `foldCase`.)
 * @example
 * foldAscii('ÉCOLE Zoo') // 'École zoo': É is not ASCII, so it stays upper-case
 */
export function foldAscii(value: string): string {
  // Realtime folds the same event value for thousands of filters in a row: remember the last one.
  if (value === lastFolded) return lastFoldedTo
  let out = value
  if (ASCII_UPPER.test(value)) {
    out = !NON_ASCII.test(value) ? value.toLowerCase() : value.replace(ASCII_UPPER_ALL, toLower)
  }
  lastFolded = value
  lastFoldedTo = out
  return out
}

let lastCased = ''
let lastCasedTo = ''

/**
 * The case folding of `_icontains` and the other case-insensitive operators and of `search`:
 * Unicode's default lower-casing, `String.prototype.toLowerCase()` (locale-independent, full
 * mappings: `İ` becomes `i̇`, a final `Σ` becomes `ς`). PostgreSQL gives the same answer with
 * `lower(x COLLATE "und-x-icu")`, SQLite with the `lower()` that `@backlex/sqlite` installs.
 * @example
 * foldCase('ZÜRICH Café') // 'zürich café'
 */
export function foldCase(value: string): string {
  // Realtime folds the same event value for thousands of filters in a row: remember the last one.
  if (value === lastCased) return lastCasedTo
  lastCased = value
  lastCasedTo = value.toLowerCase()
  return lastCasedTo
}

/**
 * The characters above ASCII that lower-case to something other than the lower case of their
 * own upper case: title-case digraphs (ǅ), Greek with prosgegrammeni (ᾈ), the dotted İ (to
 * i + U+0307), ϴ, ẞ, and the Ohm, Kelvin and Angstrom signs. Every other character above ASCII
 * that lower-cases to `c` is `c.toUpperCase()`. Checked against a scan of every code point in
 * text.test.ts, so a Unicode update that adds one fails there.
 */
const LOWER_CASE_EXTRAS = [
  0x130, 0x1c5, 0x1c8, 0x1cb, 0x1f2, 0x3f4, 0x1e9e, 0x1f88, 0x1f89, 0x1f8a, 0x1f8b, 0x1f8c, 0x1f8d,
  0x1f8e, 0x1f8f, 0x1f98, 0x1f99, 0x1f9a, 0x1f9b, 0x1f9c, 0x1f9d, 0x1f9e, 0x1f9f, 0x1fa8, 0x1fa9,
  0x1faa, 0x1fab, 0x1fac, 0x1fad, 0x1fae, 0x1faf, 0x1fbc, 0x1fcc, 0x1ffc, 0x2126, 0x212a, 0x212b,
].map((cp) => String.fromCodePoint(cp))

/**
 * The one context-dependent lower case: `Σ` becomes `ς` at the end of a word. A replacement
 * cannot see words, and where lower() is Unicode already (node:sqlite) replacing it would undo
 * that, so `Σ` is never replaced (it does not fold on bun:sqlite and D1).
 */
const SIGMA = '\u03A3'

/** The characters above ASCII whose lower case is or contains `char`. */
function upperSources(char: string): string[] {
  const found: string[] = []
  const upper = char.toUpperCase()
  const single = [...upper].length === 1 && (upper.codePointAt(0) ?? 0) > 0x7f
  if (single && upper !== char && upper !== SIGMA && upper.toLowerCase() === char) found.push(upper)
  for (const extra of LOWER_CASE_EXTRAS) if (extra.toLowerCase().includes(char)) found.push(extra)
  return found
}

/**
 * The `replace(x, from, to)` steps that let an SQLite `lower()` folding A-Z only (bun:sqlite,
 * D1; @backlex/sqlite installs a Unicode one on node:sqlite) fold a column as `foldCase` does
 * wherever it can matter for `needle`: for each character of the folded needle, every character
 * above ASCII whose lower case contains it. Characters the needle does not contain cannot be part
 * of a match, so they need no folding. Empty for an ASCII needle (nothing above ASCII folds to
 * A-Z but the Kelvin sign and the dotted İ, documented as the one difference there).
 * @example
 * foldReplacements('zürich') // [['Ü', 'ü'], ['İ', 'i̇']] (order aside)
 */
export function foldReplacements(needle: string): [from: string, to: string][] {
  if (!NON_ASCII.test(needle)) return []
  const steps = new Map<string, string>()
  for (const char of new Set(foldCase(needle))) {
    for (const source of upperSources(char)) steps.set(source, source.toLowerCase())
  }
  return [...steps]
}

/**
 * Orders strings by Unicode code point, as SQLite's BINARY collation and PostgreSQL's "C"
 * collation do on UTF-8 text. JavaScript's `<` compares UTF-16 code units, which puts
 * characters above U+FFFF before U+E000..U+FFFF; this corrects that.
 * @example
 * compareText('\uE000', '😀') // -1 (JavaScript's `<` says the opposite)
 */
export function compareText(a: string, b: string): number {
  if (a === b) return 0
  const n = Math.min(a.length, b.length)
  for (let i = 0; i < n; i++) {
    let x = a.charCodeAt(i)
    let y = b.charCodeAt(i)
    if (x === y) continue
    if (x >= 0xd800 && y >= 0xd800) {
      // Surrogates (U+D800..U+DFFF) stand for code points above U+FFFF: move them past U+FFFF.
      x = x >= 0xe000 ? x - 0x800 : x + 0x2000
      y = y >= 0xe000 ? y - 0x800 : y + 0x2000
    }
    return x < y ? -1 : 1
  }
  return a.length < b.length ? -1 : 1
}

/** The number of code points of a string: what SQLite's `length()` counts for text. */
export function codePointLength(value: string): number {
  let n = value.length
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i)
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < value.length) {
      const d = value.charCodeAt(i + 1)
      if (d >= 0xdc00 && d <= 0xdfff) {
        n--
        i++
      }
    }
  }
  return n
}

const LIKE_SPECIAL = /[\\%_]/g

/** Escapes `\`, `%` and `_` so a value matches itself literally in `LIKE ... ESCAPE '\'`. */
export function escapeLike(value: string): string {
  return value.replace(LIKE_SPECIAL, (c) => `\\${c}`)
}
