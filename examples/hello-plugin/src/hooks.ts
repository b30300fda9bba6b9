// The plugin's own filter on GreetingCreate (`hello.greeting.create`): tidy the draft, refuse
// banned words. It needs no services, so it takes no hook context.
import type { GreetingDraft } from './contract.js'
import { HelloErrors } from './errors.js'

const escapeRegExp = (word: string) => word.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')

/**
 * Trims the name and message and rejects a draft containing a banned word (as a whole
 * word, any case) with 400 HELLO_BANNED_WORD.
 * @example
 * ctx.on.filter(GreetingCreate, screenGreeting(['spam']))
 */
export function screenGreeting(
  bannedWords: readonly string[],
): (draft: GreetingDraft) => GreetingDraft {
  const banned = bannedWords.map((word) => ({
    word,
    pattern: new RegExp(`(^|[^\\p{L}\\p{N}])${escapeRegExp(word)}($|[^\\p{L}\\p{N}])`, 'iu'),
  }))
  return (draft) => {
    const tidy: GreetingDraft = {
      name: draft.name.trim(),
      ...(draft.message === undefined ? {} : { message: draft.message.trim() }),
    }
    for (const { word, pattern } of banned) {
      if (pattern.test(tidy.name) || pattern.test(tidy.message ?? '')) {
        throw HelloErrors.BANNED_WORD(word)
      }
    }
    return tidy
  }
}
