// Each way a config can be wrong ends in one paragraph on stderr (code + what to do) and
// exit code 1, with a stack trace only under --verbose.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { missingProviderConfig, notesProject } from './fixtures.js'
import { assertBuilt, createProject, type Project, runCli } from './project.js'

const projects: Project[] = []
beforeAll(assertBuilt)
afterAll(async () => {
  for (const project of projects) await project.remove()
})

async function inProject(files: Record<string, string>, ...args: string[]) {
  const project = await createProject(files)
  projects.push(project)
  return runCli(args, { cwd: project.dir })
}

/** One paragraph: a single line, no stack frames. */
function expectParagraph(stderr: string, code: string) {
  expect(stderr.startsWith(`backlex: ${code}: `)).toBe(true)
  expect(stderr.trimEnd().split('\n')).toHaveLength(1)
  expect(stderr).not.toMatch(/^\s+at /m)
}

describe.each(['plugins', 'routes', 'migrate', 'start'])(
  'backlex %s with a broken config',
  (command) => {
    it('reports a missing config', async () => {
      const { code, stdout, stderr } = await inProject({}, command)
      expect(code).toBe(1)
      expect(stdout).toBe('')
      expectParagraph(stderr, 'CLI_CONFIG_NOT_FOUND')
      expect(stderr).toContain('looked for backlex.config.ts')
      expect(stderr).toContain('--config <path>')
    })

    it('reports a config that throws', async () => {
      const { code, stderr } = await inProject(
        { 'backlex.config.ts': "throw new Error('SECRET is not set')\n" },
        command,
      )
      expect(code).toBe(1)
      expectParagraph(stderr, 'CLI_CONFIG_LOAD_FAILED')
      // Where it failed, as file:line:column of the user's file.
      expect(stderr).toContain(
        'Loading backlex.config.ts failed at backlex.config.ts:1:7: SECRET is not set.',
      )
      expect(stderr).toContain('--verbose')
    })

    it('reports a config without a default export', async () => {
      const { code, stderr } = await inProject(
        { 'backlex.config.ts': 'export const plugins = []\n' },
        command,
      )
      expect(code).toBe(1)
      expectParagraph(stderr, 'CLI_CONFIG_INVALID')
      expect(stderr).toContain('backlex.config.ts has no default export.')
      expect(stderr).toContain('export default defineConfig({ plugins: [...] })')
    })

    it('reports a default export that is not a config object', async () => {
      const { code, stderr } = await inProject(
        { 'backlex.config.ts': 'export default [1, 2]\n' },
        command,
      )
      expect(code).toBe(1)
      expectParagraph(stderr, 'CLI_CONFIG_INVALID')
      expect(stderr).toContain('does not export a config object')
    })

    it('reports a kernel error with the plugin and what to do', async () => {
      const { code, stdout, stderr } = await inProject(
        { 'backlex.config.ts': missingProviderConfig },
        command,
      )
      expect(code).toBe(1)
      expect(stdout).toBe('')
      expect(stderr).toBe(
        'backlex: MISSING_PROVIDER: Plugin "@test/newsletter" requires service "test.mailer", but no installed plugin provides it. Add a plugin that provides "test.mailer" to `plugins` in your config, or remove "@test/newsletter".\n',
      )
    })
  },
)

describe('config errors in detail', () => {
  it('stops `dev` at once when there is no config to watch', async () => {
    const { code, stderr } = await inProject({}, 'dev')
    expect(code).toBe(1)
    expectParagraph(stderr, 'CLI_CONFIG_NOT_FOUND')
  })

  it('reports a --config path that does not exist', async () => {
    const { code, stderr } = await inProject({}, 'routes', '--config', 'conf/missing.ts')
    expect(code).toBe(1)
    expect(stderr).toMatch(/^backlex: CLI_CONFIG_NOT_FOUND: No config file at conf\/missing\.ts\. /)
  })

  it('adds the stack trace of the cause with --verbose', async () => {
    const { code, stderr } = await inProject(
      { 'backlex.config.ts': "throw new Error('SECRET is not set')\n" },
      'plugins',
      '--verbose',
    )
    expect(code).toBe(1)
    expect(stderr.split('\n')[0]).toMatch(/^backlex: CLI_CONFIG_LOAD_FAILED: /)
    expect(stderr).toMatch(/Caused by: Error: SECRET is not set\n\s+at .*backlex\.config\.ts:1/)
  })

  it('explains TypeScript syntax that Node cannot strip', async () => {
    const { code, stderr } = await inProject(
      {
        'backlex.config.ts': 'enum Mode { Dev }\nexport default { plugins: [], mode: Mode.Dev }\n',
      },
      'plugins',
    )
    expect(code).toBe(1)
    expectParagraph(stderr, 'CLI_CONFIG_LOAD_FAILED')
    expect(stderr).toContain('replace enums')
  })

  it('explains an import that cannot be found', async () => {
    const { code, stderr } = await inProject(
      {
        'backlex.config.ts':
          "import { auth } from '@backlex/not-installed'\nexport default { plugins: [auth()] }\n",
      },
      'routes',
    )
    expect(code).toBe(1)
    expectParagraph(stderr, 'CLI_CONFIG_LOAD_FAILED')
    expect(stderr).toContain("Cannot find package '@backlex/not-installed'")
    // In the package manager of the project: this one sits in the pnpm workspace.
    expect(stderr).toContain('Install it (`pnpm add @backlex/not-installed`)')
  })

  it('names the install command of the project’s own package manager', async () => {
    const { stderr } = await inProject(
      {
        'package-lock.json': '{}',
        'backlex.config.ts':
          "import { auth } from '@backlex/not-installed'\nexport default { plugins: [auth()] }\n",
      },
      'routes',
    )
    expect(stderr).toContain('Install it (`npm install @backlex/not-installed`)')
  })

  it('names the package that provides a well-known missing service', async () => {
    const config = `import { defineConfig, definePlugin, defineService } from '@backlex/kernel'
const Permissions = defineService<object>('backlex.permissions')
const blog = definePlugin({ name: '@test/blog', version: '1.0.0', requires: [Permissions] })
export default defineConfig({ plugins: [blog()] })
`
    const { code, stderr } = await inProject(
      { 'yarn.lock': '', 'backlex.config.ts': config },
      'plugins',
    )
    expect(code).toBe(1)
    expectParagraph(stderr, 'MISSING_PROVIDER')
    expect(stderr).toContain(
      '@backlex/permissions provides it: install it (`yarn add @backlex/permissions`) and add its plugin to `plugins` in your config, or remove "@test/blog".',
    )
  })

  it('points at the file, line and column of an error in a file the config imports', async () => {
    const { code, stderr } = await inProject(
      {
        'backlex.config.ts':
          "import { secret } from './settings.ts'\nexport default { plugins: [], secret }\n",
        'settings.ts': 'const env = {}\n\nexport const secret: string = env.x.y\n',
      },
      'routes',
    )
    expect(code).toBe(1)
    expectParagraph(stderr, 'CLI_CONFIG_LOAD_FAILED')
    expect(stderr).toMatch(
      /^backlex: CLI_CONFIG_LOAD_FAILED: Loading backlex\.config\.ts failed at settings\.ts:3:\d+: Cannot read properties of undefined/,
    )
  })

  it('points at the line and column of a syntax error', async () => {
    const { stderr } = await inProject(
      { 'backlex.config.ts': 'export default {\n  plugins: [],,\n}\n' },
      'routes',
    )
    expectParagraph(stderr, 'CLI_CONFIG_LOAD_FAILED')
    expect(stderr).toContain('Loading backlex.config.ts failed at backlex.config.ts:2:15: ')
  })

  it('reports a plugin entry that is not a plugin', async () => {
    const files = notesProject()
    const { code, stderr } = await inProject(
      {
        ...files,
        'backlex.config.ts': (files['backlex.config.ts'] ?? '').replace(
          'plugins: [notes()]',
          "plugins: [notes(), 'auth']",
        ),
      },
      'plugins',
    )
    expect(code).toBe(1)
    expectParagraph(stderr, 'INVALID_PLUGIN')
    expect(stderr).toContain('hello()')
  })
})
