// Timing helpers shared by the permissions benches: warm up, then repeat and report percentiles.
import { cpus, loadavg } from 'node:os'

export interface Timing {
  median: number
  p95: number
  min: number
}

/** Runs `work` `warmup` times, then `runs` times, and returns per-run milliseconds. */
export function measure(work: () => void, runs: number, warmup = Math.ceil(runs / 5)): Timing {
  for (let i = 0; i < warmup; i++) work()
  const times: number[] = []
  for (let i = 0; i < runs; i++) {
    const start = performance.now()
    work()
    times.push(performance.now() - start)
  }
  times.sort((a, b) => a - b)
  const at = (q: number) => times[Math.min(times.length - 1, Math.floor(q * times.length))] ?? 0
  return { median: at(0.5), p95: at(0.95), min: times[0] ?? 0 }
}

export interface Interleaved {
  /** Per subject, in the order given. */
  timings: Timing[]
  /** Per subject: the median over rounds of (its time / the first subject's time) in that round. */
  ratios: number[]
  /** The 1-minute load average before and after. */
  load: [number, number]
  /** What each subject's last run returned. */
  results: unknown[]
}

/**
 * Times several subjects in one run, interleaved: after a warm-up of all, `rounds` rounds each
 * run every subject `batch` times, alternating the order (A B, then B A), so drift in the
 * machine's load falls on all alike. Ratios are taken within each round, then their median.
 */
export function interleave(
  subjects: (() => unknown)[],
  rounds: number,
  batch = 5,
  warmupMs = 1500,
): Interleaved {
  const before = loadavg()[0] ?? 0
  // Warm up for a time, not a count: V8 optimizes on a background thread, which a busy machine
  // starves; a fixed count of runs then measures code still waiting for its optimized version.
  const warmEnd = performance.now() + warmupMs
  while (performance.now() < warmEnd) for (const work of subjects) work()
  const times: number[][] = subjects.map(() => [])
  // Kept, so that no subject's work can be optimized away.
  const results: unknown[] = []
  const perRound: number[][] = subjects.map(() => [])
  for (let round = 0; round < rounds; round++) {
    const order = subjects.map((_, i) => i)
    if (round % 2 === 1) order.reverse()
    const roundTimes: number[] = []
    for (const i of order) {
      const work = subjects[i] as () => unknown
      let total = 0
      for (let n = 0; n < batch; n++) {
        const start = performance.now()
        results[i] = work()
        const took = performance.now() - start
        times[i]?.push(took)
        total += took
      }
      roundTimes[i] = total
    }
    for (const [i, total] of roundTimes.entries()) perRound[i]?.push(total / (roundTimes[0] ?? 1))
  }
  const summary = (values: number[]): Timing => {
    const sorted = [...values].sort((a, b) => a - b)
    const at = (q: number) =>
      sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0
    return { median: at(0.5), p95: at(0.95), min: sorted[0] ?? 0 }
  }
  return {
    timings: times.map(summary),
    ratios: perRound.map((r) => summary(r).median),
    load: [before, loadavg()[0] ?? 0],
    results,
  }
}

/** Date, Node, machine and load, for the results table in bench/README.md. */
export function environment(): string {
  const cpu = cpus()[0]?.model.trim() ?? 'unknown CPU'
  return `${new Date().toISOString().slice(0, 10)} | ${process.version} | ${process.platform} ${process.arch}, ${cpus().length} cores (${cpu}) | load ${loadavg()[0]?.toFixed(1)}`
}

export const ms = (n: number) => `${n.toFixed(3)} ms`
export const us = (n: number) => `${(n * 1000).toFixed(1)} µs`
