// The words the Unicode case-folding tests filter: letters above ASCII in several scripts,
// the lower-casings that are not one-to-one (ß, İ, Σ, the title-case Dž) and the Angstrom sign's
// letter, beside plain ASCII.
import type { FilterSchema, FilterVariables } from '../src/filter/index.js'
import { resolveVariables } from '../src/filter/index.js'

export const WORDS = [
  'Zürich',
  'ZÜRICH',
  'café',
  'CAFÉ crème',
  'Straße',
  'STRASSE',
  'ΣΟΦΙΑ',
  'σοφία',
  'Москва',
  'МОСКВА',
  'İstanbul',
  'plain ascii',
  // U+01C5, the title-case Dž: its lower case is U+01C6 (dž), as is U+01C4's (DŽ).
  '\u01C5emal',
  'ÅNGSTRÖM',
] as const

export const wordSchema: FilterSchema = { name: { type: 'string' } }

export const anonymousVariables: FilterVariables = resolveVariables({
  type: 'anonymous',
  id: null,
  userId: null,
  roles: [],
  admin: false,
})
