// Ids that sort by creation time: UUIDs version 7 (RFC 9562) with a per-process sequence, so ids
// made within one millisecond still sort in the order they were made. Web Crypto only.
let lastMs = 0
let sequence = 0

/**
 * A UUID (version 7) that sorts by creation time, also within one millisecond on this process
 * (activity entries, revisions: anything listed in the order it was written).
 * @example
 * sortableId(Date.now()) // '0190f3c2-5a1b-7000-8d3e-...'
 */
export function sortableId(now: number): string {
  if (now <= lastMs) {
    sequence++
    if (sequence > 0xfff) {
      lastMs++
      sequence = 0
    }
  } else {
    lastMs = now
    sequence = 0
  }
  const random = crypto.getRandomValues(new Uint8Array(8))
  const hex = (n: number, width: number) => n.toString(16).padStart(width, '0')
  const time = hex(lastMs, 12)
  const tail = [...random].map((b) => hex(b, 2)).join('')
  const variant = hex(0x8 | ((random[0] ?? 0) & 0x3), 1)
  return `${time.slice(0, 8)}-${time.slice(8, 12)}-7${hex(sequence, 3)}-${variant}${tail.slice(1, 4)}-${tail.slice(4, 16)}`
}
