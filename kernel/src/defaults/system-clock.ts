// The default Clock: the system time.
import type { ClockAdapter } from '../contracts/clock.js'

export const systemClock: ClockAdapter = { now: () => new Date() }
