// Package manager detection for install advice, and the npm/npx warning of `backlex start`.
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { detectPackageManager, installCommand, signalSwallowingRunner } from './package-manager.js'

const dirs: string[] = []
afterAll(async () => {
  for (const dir of dirs) await rm(dir, { recursive: true, force: true })
})

async function projectWith(lockfile?: string) {
  const root = await mkdtemp(join(tmpdir(), 'backlex-pm-'))
  dirs.push(root)
  const app = join(root, 'apps', 'api')
  await mkdir(app, { recursive: true })
  if (lockfile) await writeFile(join(root, lockfile), '')
  return app
}

describe('detectPackageManager', () => {
  it.each([
    ['pnpm-lock.yaml', 'pnpm'],
    ['yarn.lock', 'yarn'],
    ['bun.lock', 'bun'],
    ['package-lock.json', 'npm'],
  ])('finds %s in a parent directory: %s', async (lockfile, manager) => {
    expect(detectPackageManager(await projectWith(lockfile), {})).toBe(manager)
  })

  it('falls back to the user agent, then to npm', async () => {
    // No lockfile in the temporary directory nor above it.
    const app = await projectWith()
    expect(detectPackageManager(app, {})).toBe('npm')
    expect(detectPackageManager(app, { npm_config_user_agent: 'yarn/4.5.0 npm/? node/v24' })).toBe(
      'yarn',
    )
    expect(detectPackageManager(app, { npm_config_user_agent: 'bun/1.2.0' })).toBe('bun')
  })
})

describe('installCommand', () => {
  it('uses each manager’s own verb', () => {
    expect(installCommand('npm', ['@backlex/sqlite'])).toBe('npm install @backlex/sqlite')
    expect(installCommand('pnpm', ['@backlex/sqlite'])).toBe('pnpm add @backlex/sqlite')
    expect(installCommand('yarn', ['a', 'b'])).toBe('yarn add a b')
    expect(installCommand('bun', ['a'])).toBe('bun add a')
  })
})

describe('signalSwallowingRunner', () => {
  it('names npm for npx, npm exec and npm scripts', () => {
    const agent = 'npm/11.19.1 node/v24.22.3 linux x64 workspaces/false'
    expect(
      signalSwallowingRunner({ npm_config_user_agent: agent, npm_lifecycle_event: 'npx' }),
    ).toBe('npm')
    expect(
      signalSwallowingRunner({ npm_config_user_agent: agent, npm_lifecycle_event: 'start' }),
    ).toBe('npm')
  })

  it('names the manager of a package script, and nothing for pnpm exec or plain node', () => {
    const pnpm = 'pnpm/10.34.8 npm/? node/v24.22.3 linux x64'
    expect(
      signalSwallowingRunner({ npm_config_user_agent: pnpm, npm_lifecycle_event: 'start' }),
    ).toBe('pnpm')
    expect(signalSwallowingRunner({ npm_config_user_agent: pnpm })).toBeUndefined()
    expect(signalSwallowingRunner({})).toBeUndefined()
  })

  // Parent chains as /proc shows them, with npm 11 and pnpm 10 (a shell in between).
  const npmEnv = { npm_config_user_agent: 'npm/11.19.1 node/v24', npm_lifecycle_event: 'npx' }
  it('checks that the nearest parent past the shell is the package manager', () => {
    expect(
      signalSwallowingRunner(npmEnv, [
        ['sh', '-c', 'backlex start'],
        ['npm', 'exec', 'backlex'],
      ]),
    ).toBe('npm')
    expect(
      signalSwallowingRunner({ ...npmEnv, npm_config_user_agent: 'pnpm/10.34.8 npm/? node/v24' }, [
        ['sh', '-c', 'backlex start'],
        ['node', '/usr/lib/node_modules/pnpm/bin/pnpm.cjs', 'start'],
      ]),
    ).toBe('pnpm')
  })

  it('does not warn when the variables were only inherited (a test runner under `pnpm test`)', () => {
    const vitest = [
      'node',
      '/app/node_modules/.pnpm/vitest@4.1.12/node_modules/vitest/dist/workers/forks.js',
    ]
    expect(signalSwallowingRunner(npmEnv, [vitest, ['npm', 'test']])).toBeUndefined()
    expect(signalSwallowingRunner(npmEnv, [['bash']])).toBeUndefined()
  })

  it('goes by the variables alone where the parents cannot be read', () => {
    expect(signalSwallowingRunner(npmEnv, undefined)).toBe('npm')
  })
})
