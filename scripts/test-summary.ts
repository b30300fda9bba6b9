// Prints the summary at the end of scripts/test.sh: each stage's result and time, tests passed,
// failed and skipped per Vitest project (read from Vitest's JSON report), why tests were skipped,
// and last a plain `tests: N passed, N failed, N skipped` line for CI tools.
// Usage: node scripts/test-summary.ts <stages.tsv> <vitest.json> <consumer-check.log>
import { existsSync, readFileSync } from 'node:fs'
import { dirname, join, relative, resolve } from 'node:path'

interface Assertion {
  fullName: string
  status: 'passed' | 'failed' | 'skipped' | 'pending' | 'todo' | 'disabled'
}
interface FileResult {
  name: string
  status: string
  message?: string
  assertionResults: Assertion[]
}
interface Counts {
  passed: number
  failed: number
  skipped: number
}

const [stagesFile = '', vitestFile = '', consumerLog = ''] = process.argv.slice(2)
const root = resolve(import.meta.dirname, '..')

/** Vitest project of a test file: the `name` in the nearest vitest.config.ts, else its folder. */
function projectOf(file: string): string {
  for (let dir = dirname(file); dir.startsWith(root) && dir !== root; dir = dirname(dir)) {
    const config = join(dir, 'vitest.config.ts')
    if (existsSync(config)) {
      const name = /name:\s*['"]([^'"]+)['"]/.exec(readFileSync(config, 'utf8'))?.[1]
      return name ?? relative(root, dir)
    }
  }
  return relative(root, dirname(file))
}

/** Why a test was skipped: every conditional skip in this repository waits for PostgreSQL. */
function skipReason(test: Assertion, file: string): string {
  if (test.status === 'todo') return 'marked todo'
  if (/postgres|\bpg\b/i.test(`${test.fullName} ${file}`) && !process.env.TEST_DATABASE_URL)
    return 'PostgreSQL tests: TEST_DATABASE_URL is unset and PostgreSQL does not answer on 127.0.0.1:5432'
  return 'skipped in the test itself (it.skip / skipIf): see the list below'
}

const pad = (text: string, width: number) => text.padEnd(width)
const line = (c: Counts) => `${c.passed} passed, ${c.failed} failed, ${c.skipped} skipped`

console.log('')
console.log('==> summary')
const stages = existsSync(stagesFile)
  ? readFileSync(stagesFile, 'utf8')
      .trim()
      .split('\n')
      .filter(Boolean)
      .map((l) => l.split('\t'))
  : []
for (const [name = '', status = '', seconds = ''] of stages) {
  console.log(`  ${pad(name, 16)} ${pad(status, 8)} ${seconds ? `${seconds} s` : ''}`.trimEnd())
}
const failedStage = stages.find(([, status]) => status === 'FAILED')

const total: Counts = { passed: 0, failed: 0, skipped: 0 }
if (existsSync(vitestFile)) {
  const report = JSON.parse(readFileSync(vitestFile, 'utf8')) as { testResults: FileResult[] }
  const byProject = new Map<string, Counts>()
  const reasons = new Map<string, string[]>()
  const brokenFiles: string[] = []
  for (const file of report.testResults) {
    const project = projectOf(file.name)
    const counts = byProject.get(project) ?? { passed: 0, failed: 0, skipped: 0 }
    byProject.set(project, counts)
    // A file that fails to load has no tests but fails the run: count it as one failure.
    if (file.status === 'failed' && !file.assertionResults.some((t) => t.status === 'failed')) {
      counts.failed++
      brokenFiles.push(`${relative(root, file.name)}: ${file.message?.split('\n')[0] ?? 'failed'}`)
    }
    for (const test of file.assertionResults) {
      if (test.status === 'passed') counts.passed++
      else if (test.status === 'failed') counts.failed++
      else {
        counts.skipped++
        const reason = skipReason(test, file.name)
        reasons.set(reason, [
          ...(reasons.get(reason) ?? []),
          `${relative(root, file.name)} > ${test.fullName}`,
        ])
      }
    }
  }
  console.log('unit tests by Vitest project:')
  for (const [project, counts] of [...byProject].sort(([a], [b]) => a.localeCompare(b))) {
    console.log(`  ${pad(project, 28)} ${line(counts)}`)
    total.passed += counts.passed
    total.failed += counts.failed
    total.skipped += counts.skipped
  }
  for (const broken of brokenFiles) console.log(`  failed to run: ${broken}`)
  for (const [reason, tests] of reasons) {
    console.log(`skipped: ${tests.length} (${reason})`)
    if (!reason.startsWith('PostgreSQL')) for (const t of tests) console.log(`  - ${t}`)
  }
} else {
  const ran = stages.some(([name, status]) => name === 'unit tests' && status !== 'not run')
  console.log(ran ? 'unit tests: FAILED before Vitest wrote its report' : 'unit tests: not run')
}

if (existsSync(consumerLog)) {
  const log = readFileSync(consumerLog, 'utf8')
  const passed = /^consumer-check: passed$/m.test(log)
  console.log(`consumer check: ${passed ? 'passed' : 'FAILED'}`)
  if (passed) total.passed++
  else total.failed++
} else {
  console.log('consumer check: not run')
}

// A stage failing before any test ran (build, lint, ...) still counts as a failure here, so a
// tool reading only the last line never sees "0 failed" on a red run.
if (failedStage && total.failed === 0) total.failed = 1
if (failedStage) console.log(`FAILED at stage: ${failedStage[0]}`)
console.log(`tests: ${line(total)}`)
