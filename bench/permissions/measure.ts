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

/** Date, Node, machine and load, for the results table in bench/README.md. */
export function environment(): string {
  const cpu = cpus()[0]?.model.trim() ?? 'unknown CPU'
  return `${new Date().toISOString().slice(0, 10)} | ${process.version} | ${process.platform} ${process.arch}, ${cpus().length} cores (${cpu}) | load ${loadavg()[0]?.toFixed(1)}`
}

export const ms = (n: number) => `${n.toFixed(3)} ms`
export const us = (n: number) => `${(n * 1000).toFixed(1)} µs`
