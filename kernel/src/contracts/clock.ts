// The Clock contract: the current time, replaceable in tests.
import { defineService } from '../services.js'

export interface ClockAdapter {
  now(): Date
}

export const Clock = defineService<ClockAdapter>('backlex.clock')
