// The consumer check: packs every publishable @backlex/* package, installs the tarballs with plain
// npm into a fresh project outside the workspace, type-checks a backlex.config.ts against the packed
// types with the newest and the oldest supported TypeScript (strict, no skipLibCheck, every error
// counts), then runs `backlex migrate` and `backlex start` and probes each plugin over HTTP; then
// uninstalls @backlex/graphql and starts again: a plugin contributing to GraphQL must still load;
// then uninstalls @backlex/collections, type-checks the remaining packages (their declarations
// must not name an optional integration's package) and starts again.
// Run with Node 24 (type stripping): `node examples/consumer-check/run.ts [--keep]`.
import { execFileSync, spawn } from 'node:child_process'
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { type ConsumerEntry, type Probe, packages } from './packages.ts'

/**
 * The oldest TypeScript backlex supports (docs/getting-started.md): hono's declarations need
 * 5.7 (`Uint8Array<ArrayBuffer>`), and so does the newest @types/node.
 */
const OLDEST_TYPESCRIPT = { alias: 'typescript-oldest', range: '~5.7.0' }

const root = resolve(import.meta.dirname, '../..')
const keep = process.argv.includes('--keep')
const work = mkdtempSync(join(tmpdir(), 'backlex-consumer-'))
const tarballs = join(work, 'tarballs')
const app = join(work, 'app')

class CheckFailure extends Error {}

function step<T>(name: string, run: () => T): T {
  const started = performance.now()
  process.stdout.write(`consumer-check: ${name} ... `)
  try {
    const result = run()
    console.log(`ok (${Math.round(performance.now() - started)} ms)`)
    return result
  } catch (error) {
    console.log('FAILED')
    throw error instanceof CheckFailure ? error : new CheckFailure(`${name}: ${describe(error)}`)
  }
}

function describe(error: unknown): string {
  const e = error as { stdout?: Buffer | string; stderr?: Buffer | string; message?: string }
  const output = `${e.stdout ?? ''}\n${e.stderr ?? ''}`.trim()
  return output
    ? `${e.message?.split('\n')[0]}\n${output.split('\n').slice(-40).join('\n')}`
    : String(e.message ?? error)
}

function run(cmd: string, args: string[], cwd: string, env: NodeJS.ProcessEnv = {}): string {
  return execFileSync(cmd, args, {
    cwd,
    env: { ...process.env, ...env },
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  })
}

interface Manifest {
  name: string
  version: string
  private?: boolean
}

/** Every package a user can install: not private, under kernel/, plugins/, runtimes/, clients/. */
function publishablePackages(): { dir: string; manifest: Manifest }[] {
  const dirs = ['kernel']
  for (const group of ['plugins', 'runtimes', 'clients']) {
    for (const entry of readdirSync(join(root, group), { withFileTypes: true })) {
      if (entry.isDirectory()) dirs.push(join(group, entry.name))
    }
  }
  return dirs
    .map((dir) => ({
      dir: join(root, dir),
      manifest: JSON.parse(readFileSync(join(root, dir, 'package.json'), 'utf8')) as Manifest,
    }))
    .filter(({ manifest }) => !manifest.private)
}

async function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer()
    server.on('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const address = server.address()
      server.close(() => resolvePort(typeof address === 'object' && address ? address.port : 0))
    })
  })
}

async function main() {
  const found = publishablePackages()
  const unknown = found.filter(({ manifest }) => !(manifest.name in packages))
  if (unknown.length > 0) {
    throw new CheckFailure(
      `no consumer-check entry for ${unknown.map((p) => p.manifest.name).join(', ')}: ` +
        'add one to examples/consumer-check/packages.ts (how a user installs and probes it)',
    )
  }

  // Entries of packages that exist in this tree (an entry may be written before its package lands).
  const installed = found.map(
    ({ manifest }) => [manifest.name, packages[manifest.name] ?? {}] as const,
  )

  const files = step(`pack ${found.length} packages`, () =>
    found.map(({ dir, manifest }) => {
      const out = run('pnpm', ['pack', '--pack-destination', tarballs], dir).trim().split('\n')
      const file = out.at(-1)?.trim() ?? ''
      if (!file.endsWith('.tgz'))
        throw new CheckFailure(`pnpm pack of ${manifest.name} printed no tarball`)
      return { name: manifest.name, file }
    }),
  )

  const deps = Object.fromEntries(files.map(({ name, file }) => [name, `file:${file}`]))
  step('write a fresh project', () => {
    execFileSync('mkdir', ['-p', join(app, 'plugins')])
    writeFileSync(
      join(app, 'package.json'),
      `${JSON.stringify(
        {
          name: 'consumer-app',
          private: true,
          type: 'module',
          dependencies: { ...deps, zod: '^4.1.0' },
          // What `npm install -D typescript @types/node` installs (docs/getting-started.md), and
          // the oldest TypeScript the docs promise, side by side.
          devDependencies: {
            typescript: 'latest',
            [OLDEST_TYPESCRIPT.alias]: `npm:typescript@${OLDEST_TYPESCRIPT.range}`,
            '@types/node': 'latest',
          },
          // Keep npm on the tarballs for @backlex/* packages other packages depend on.
          overrides: deps,
        },
        null,
        2,
      )}\n`,
    )
    const entries = installed.map(([, entry]) => entry)
    writeConfig(entries)
    writeTypesOnly(entries)
    writeFileSync(join(app, 'plugins', 'acme-hello.ts'), thirdPartyPlugin)
    // The tsconfig.json docs/getting-started.md shows, word for word (no skipLibCheck: errors
    // in any package's declarations are the user's errors too).
    writeFileSync(
      join(app, 'tsconfig.json'),
      `${JSON.stringify(
        {
          compilerOptions: {
            target: 'ES2023',
            module: 'NodeNext',
            strict: true,
            noEmit: true,
            allowImportingTsExtensions: true,
            verbatimModuleSyntax: true,
            types: ['node'],
          },
        },
        null,
        2,
      )}\n`,
    )
  })

  step('npm install the tarballs (no workspace, no links)', () =>
    run('npm', ['install', '--no-audit', '--no-fund', '--loglevel=error'], app),
  )

  const typecheckMs = typecheck('against the packed types')

  step('npx backlex migrate', () =>
    run('npx', ['backlex', 'migrate'], app, { NODE_ENV: 'production' }),
  )
  step('npx backlex migrate --status', () => {
    const status = run('npx', ['backlex', 'migrate', '--status'], app)
    if (!status.includes('acme'))
      throw new CheckFailure(`status does not list the third-party plugin:\n${status}`)
  })

  const thirdParty: NamedProbe = {
    name: 'third-party plugin',
    method: 'GET',
    path: '/api/acme/hello/ada',
    status: 200,
    contains: 'Howdy, ada',
  }
  await startAndProbe('./node_modules/.bin/backlex start', [
    {
      name: '@backlex/kernel /api/openapi',
      method: 'GET',
      path: '/api/openapi',
      status: 200,
      contains: '"openapi":"3.1.0"',
    },
    thirdParty,
    {
      name: "third-party plugin's GraphQL contribution",
      method: 'POST',
      path: '/api/graphql',
      status: 200,
      body: { query: '{ acmeHello(name: "ada") }' },
      contains: '"acmeHello":"Howdy, ada"',
    },
    ...installed.flatMap(([name, p]) => (p.probes ?? []).map((probe) => ({ name, ...probe }))),
  ])

  // An app without @backlex/graphql: the plugin contributing to it must load and work all the
  // same (docs/writing-plugins.md, "GraphQL types and fields").
  step('npm uninstall @backlex/graphql', () => {
    run(
      'npm',
      ['uninstall', '--no-audit', '--no-fund', '--loglevel=error', '@backlex/graphql'],
      app,
    )
    if (existsSync(join(app, 'node_modules', '@backlex', 'graphql')))
      throw new CheckFailure('node_modules/@backlex/graphql is still there')
    writeConfig(installed.filter(([name]) => name !== '@backlex/graphql').map(([, p]) => p))
  })
  await startAndProbe('./node_modules/.bin/backlex start without @backlex/graphql', [
    thirdParty,
    { name: 'no GraphQL endpoint', method: 'GET', path: '/api/graphql', status: 404 },
  ])

  // Without @backlex/collections either: plugins whose integration with it is optional (realtime,
  // mcp) load, and their declarations name nothing of it (a strict tsc without it passes).
  const optionalGone = new Set(['@backlex/graphql', '@backlex/collections'])
  step('npm uninstall @backlex/collections', () => {
    run(
      'npm',
      ['uninstall', '--no-audit', '--no-fund', '--loglevel=error', '@backlex/collections'],
      app,
    )
    if (existsSync(join(app, 'node_modules', '@backlex', 'collections')))
      throw new CheckFailure('node_modules/@backlex/collections is still there')
    const left = installed.filter(([name]) => !optionalGone.has(name)).map(([, p]) => p)
    writeConfig(left)
    writeConfig(left, 'packages.config.ts')
    writeTypesOnly(left, 'packages.config.ts')
    writeFileSync(
      join(app, 'tsconfig.packages.json'),
      `${JSON.stringify({ extends: './tsconfig.json', files: ['packages.config.ts', 'types-only.ts'] }, null, 2)}\n`,
    )
  })
  typecheck('without @backlex/graphql and @backlex/collections', 'tsconfig.packages.json')
  await startAndProbe('./node_modules/.bin/backlex start without @backlex/collections', [
    thirdParty,
    { name: 'no items routes', method: 'GET', path: '/api/items/articles', status: 404 },
  ])

  console.log(
    `consumer-check: type-check of backlex.config.ts with every plugin took ${typecheckMs.join(', ')}`,
  )
}

/** Type-checks the project with the newest and the oldest supported TypeScript; the times taken. */
function typecheck(what: string, project = '.'): string[] {
  const times: string[] = []
  for (const pkg of ['typescript', OLDEST_TYPESCRIPT.alias]) {
    const manifest = JSON.parse(
      readFileSync(join(app, 'node_modules', pkg, 'package.json'), 'utf8'),
    ) as { version: string; bin: { tsc: string } }
    const started = performance.now()
    step(`tsc ${manifest.version} (strict, no skipLibCheck) ${what}`, () => {
      try {
        run(
          process.execPath,
          [join(app, 'node_modules', pkg, manifest.bin.tsc), '-p', project],
          app,
        )
      } catch (error) {
        const output = String((error as { stdout?: string }).stdout ?? '').trim()
        throw new CheckFailure(
          `TypeScript ${manifest.version} reports:\n${output || describe(error)}`,
        )
      }
    })
    times.push(`${Math.round(performance.now() - started)} ms with ${manifest.version}`)
  }
  return times
}

/** Writes types-only.ts; its lines that import the app's config import `config` instead. */
function writeTypesOnly(entries: ConsumerEntry[], config = 'backlex.config.ts') {
  writeFileSync(
    join(app, 'types-only.ts'),
    [
      '// Uses what cannot run in this Node process (other runtimes, other databases), for the type-check.',
      ...entries.flatMap((p) => p.typesOnly ?? []),
      '',
    ]
      .join('\n')
      .replaceAll("'./backlex.config.ts'", `'./${config}'`),
  )
}

/**
 * Writes backlex.config.ts with `entries`' plugins and the third-party plugin, or (`file`) a
 * config of the packages alone: the third-party plugin is source here, and its `import type` of
 * @backlex/graphql cannot resolve once graphql is gone (a published plugin ships declarations).
 */
function writeConfig(entries: ConsumerEntry[], file = 'backlex.config.ts') {
  const thirdParty = file === 'backlex.config.ts'
  writeFileSync(
    join(app, file),
    [
      "import { defineConfig } from '@backlex/kernel'",
      ...entries.flatMap((p) => p.imports ?? []),
      ...(thirdParty ? ["import { acmeHello } from './plugins/acme-hello.ts'"] : []),
      '',
      'export default defineConfig({',
      '  plugins: [',
      ...entries.flatMap((p) => (p.plugin ? [`    ${p.plugin},`] : [])),
      ...(thirdParty ? ['    acmeHello({ greeting: "Howdy" }),'] : []),
      '  ],',
      '})',
      '',
    ].join('\n'),
  )
}

type NamedProbe = Probe & { name: string }

/** Starts `backlex start`, waits for /health, runs the probes, then stops it with SIGTERM. */
async function startAndProbe(label: string, probes: NamedProbe[]) {
  const port = await freePort()
  // The installed bin itself, as docs/deploy-node.md says to start it (`npx` would not pass
  // SIGTERM on); its own process group, so a failed check can take it down whole.
  const server = spawn(join(app, 'node_modules', '.bin', 'backlex'), ['start'], {
    cwd: app,
    env: { ...process.env, PORT: String(port), HOST: '127.0.0.1' },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  })
  const killGroup = () => {
    try {
      if (server.pid) process.kill(-server.pid, 'SIGKILL')
    } catch {
      // already gone
    }
  }
  let output = ''
  server.stdout.on('data', (d: Buffer) => (output += d))
  server.stderr.on('data', (d: Buffer) => (output += d))
  const exited = new Promise<number | null>((r) => server.on('exit', (code) => r(code)))
  const base = `http://127.0.0.1:${port}`
  try {
    process.stdout.write(`consumer-check: ${label} answers /health ... `)
    let healthy = false
    for (let i = 0; i < 300 && !healthy; i++) {
      healthy = await fetch(`${base}/health`, { signal: AbortSignal.timeout(5000) }).then(
        (r) => r.status === 200,
        () => false,
      )
      if (!healthy) await new Promise((r) => setTimeout(r, 100))
    }
    if (!healthy)
      throw new CheckFailure(`the server never answered /health. Its output:\n${output}`)
    console.log('ok')

    for (const probe of probes) {
      process.stdout.write(`consumer-check: ${probe.name}: ${probe.method} ${probe.path} ... `)
      const res = await fetch(`${base}${probe.path}`, {
        method: probe.method,
        signal: AbortSignal.timeout(10_000),
        headers: {
          ...probe.headers,
          ...(probe.body !== undefined ? { 'content-type': 'application/json' } : {}),
        },
        ...(probe.body !== undefined ? { body: JSON.stringify(probe.body) } : {}),
      })
      const text = await res.text()
      if (res.status !== probe.status || (probe.contains && !text.includes(probe.contains))) {
        throw new CheckFailure(
          `${probe.name}: ${probe.method} ${probe.path} answered ${res.status} ${text.slice(0, 300)}; ` +
            `expected ${probe.status}${probe.contains ? ` containing ${probe.contains}` : ''}`,
        )
      }
      console.log(`${res.status}`)
    }
  } catch (error) {
    killGroup()
    throw error
  }
  process.stdout.write('consumer-check: SIGTERM stops the server cleanly ... ')
  server.kill('SIGTERM')
  const code = await Promise.race([
    exited,
    new Promise<'timeout'>((r) => setTimeout(() => r('timeout'), 15_000)),
  ])
  if (code !== 0) {
    killGroup()
    throw new CheckFailure(`after SIGTERM the server exited with ${code}. Its output:\n${output}`)
  }
  console.log('ok')
}

const thirdPartyPlugin = `// A third-party plugin written against the packed @backlex/kernel only, contributing a GraphQL
// field the way docs/writing-plugins.md shows: it loads in apps without @backlex/graphql.
import type { GraphQLContribution } from '@backlex/graphql/contract'
import { defineExtensionPoint, definePlugin, defineRoute } from '@backlex/kernel'
import { z } from 'zod'

// The point @backlex/graphql reads, by its id; \`import type\` leaves no import at runtime.
const GraphQLContributions = defineExtensionPoint<GraphQLContribution>(
  'backlex.graphql.contributions',
)

export const acmeHello = definePlugin({
  name: '@acme/hello',
  version: '1.0.0',
  kernel: '^0.1.0',
  options: z.object({ greeting: z.string().default('Hello') }),
  migrations: {
    '0001_visits': {
      async up(db) {
        await db.schema.createTable('acme_hello_visits').ifNotExists()
          .addColumn('name', 'text', (c) => c.notNull()).execute()
      },
    },
  },
  register(ctx, options) {
    ctx.route(
      defineRoute({
        method: 'get',
        path: '/acme/hello/:name',
        params: z.object({ name: z.string().min(1) }),
        response: z.object({ text: z.string() }),
        handler: ({ params }) => ({ text: \`\${options.greeting}, \${params.name}\` }),
      }),
    )
    ctx.contribute(GraphQLContributions, (builder) => {
      builder.queryField('acmeHello', (t) =>
        t.string({
          nullable: false,
          args: { name: t.arg.string({ required: true }) },
          resolve: (_root, args) => \`\${options.greeting}, \${args.name}\`,
        }),
      )
    })
  },
})
`

main()
  .then(() => {
    console.log('consumer-check: passed')
  })
  .catch((error: unknown) => {
    console.error(
      `\nconsumer-check FAILED: ${error instanceof Error ? error.message : String(error)}`,
    )
    if (!keep) console.error(`(re-run with --keep to inspect the project; it was in ${app})`)
    process.exitCode = 1
  })
  .finally(() => {
    if (keep) console.log(`consumer-check: project kept in ${app}`)
    else rmSync(work, { recursive: true, force: true })
  })
