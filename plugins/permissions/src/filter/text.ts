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
