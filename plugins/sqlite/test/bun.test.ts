// The same adapter under Bun: bun:sqlite with WAL, foreign keys and a busy timeout.
import { execFileSync } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, describe, expect, it } from 'vitest'

const here = dirname(fileURLToPath(import.meta.url))
// The `bun` npm package ships the runtime; its bin is what `npx bun` would run.
const bun = join(
  dirname(createRequire(import.meta.url).resolve('bun/package.json')),
  'bin',
  'bun.exe',
)
const dir = mkdtempSync(join(tmpdir(), 'backlex-bun-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

describe('@backlex/sqlite under Bun', () => {
  it('uses bun:sqlite with WAL, foreign keys and a busy timeout, and runs migrations', () => {
    const output = execFileSync(
      bun,
      [join(here, 'fixtures', 'under-bun.ts'), join(dir, 'bun.sqlite')],
      {
        encoding: 'utf8',
        cwd: join(here, '..'),
      },
    )
    const result = JSON.parse(output.trim().split('\n').at(-1) ?? '{}')
    expect(result).toEqual({
      driver: 'bun:sqlite',
      rows: [{ id: 1, done: 1, at: '2026-01-02T03:04:05.000Z' }],
      journal: { journal_mode: 'wal' },
      foreignKeys: { foreign_keys: 1 },
      busyTimeout: { timeout: 5000 },
    })
  })
})
