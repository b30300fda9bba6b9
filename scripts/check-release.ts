// Fails when the pending release (the changesets in .changeset/) would bump a package to a major
// version that no changeset asked for, e.g. plugins forced to 1.0.0 by a kernel minor through a
// peer range. Uses the release planner of the installed @changesets/cli, so it sees what
// `changeset version` would do; also warns when a plugin's runtime `kernel:` range would refuse
// the planned kernel version. Run with Node 24: `node scripts/check-release.ts`.
import { readdirSync, readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { join, relative, resolve } from 'node:path'

interface Release {
  name: string
  type: 'none' | 'patch' | 'minor' | 'major'
  oldVersion: string
  newVersion: string
}
interface ReleasePlan {
  changesets: { id: string; releases: { name: string; type: string }[] }[]
  releases: Release[]
}

const root = resolve(import.meta.dirname, '..')
// The planner @changesets/cli itself uses (a dependency of it, not of the workspace root).
const fromCli = createRequire(createRequire(`${root}/`).resolve('@changesets/cli/package.json'))
const { default: getReleasePlan } = fromCli('@changesets/get-release-plan') as {
  default: (cwd: string) => Promise<ReleasePlan>
}

const plan = await getReleasePlan(root)
const released = plan.releases.filter((r) => r.type !== 'none')
const unasked = released.filter(
  (release) =>
    release.type === 'major' &&
    !plan.changesets.some((cs) =>
      cs.releases.some((r) => r.name === release.name && r.type === 'major'),
    ),
)

console.log(
  `check-release: ${plan.changesets.length} pending changesets release ${released.length} packages` +
    (released.length > 0
      ? `: ${released.map((r) => `${r.name} ${r.oldVersion} -> ${r.newVersion} (${r.type})`).join(', ')}`
      : ''),
)
// Not a failure (yet): plugins also declare the kernel they accept at runtime (`kernel: '^0.1.0'`
// in definePlugin), which the kernel checks against KERNEL_VERSION at boot.
const kernel = released.find((r) => r.name === '@backlex/kernel')
if (kernel) {
  const satisfies = createRequire(join(root, 'kernel', 'package.json'))(
    'semver/functions/satisfies.js',
  ) as (version: string, range: string) => boolean
  const refusing = [...sourceFiles(['plugins', 'runtimes', 'clients'])].flatMap((file) =>
    [...readFileSync(file, 'utf8').matchAll(/^\s*kernel:\s*'([^']+)'/gm)]
      .filter(([, range = '']) => !satisfies(kernel.newVersion, range))
      .map(([, range]) => `${relative(root, file)} (${range})`),
  )
  if (refusing.length > 0)
    console.warn(
      `check-release: warning: once KERNEL_VERSION (kernel/src/version.ts) says ${kernel.newVersion}, ` +
        `these plugins refuse to boot with KERNEL_VERSION_MISMATCH: ${refusing.join(', ')}`,
    )
}

/** The .ts sources (tests aside) under `<group>/<package>/src` of the given groups. */
function* sourceFiles(groups: string[]): Generator<string> {
  for (const group of groups) {
    for (const pkg of readdirSync(join(root, group), { withFileTypes: true })) {
      if (!pkg.isDirectory()) continue
      const src = join(root, group, pkg.name, 'src')
      let entries: string[]
      try {
        entries = readdirSync(src, { recursive: true, encoding: 'utf8' })
      } catch {
        continue // no src/ folder
      }
      for (const entry of entries)
        if (entry.endsWith('.ts') && !entry.endsWith('.test.ts')) yield join(src, entry)
    }
  }
}

if (unasked.length > 0) {
  console.error(
    `check-release FAILED: ${unasked.map((r) => `${r.name} ${r.oldVersion} -> ${r.newVersion}`).join(', ')} ` +
      'would be released as a major that no changeset asks for. A dependency of it leaves the ' +
      "range it declares (a peerDependencies range such as 'workspace:^' on a 0.x package does on " +
      "every minor): widen the range (e.g. 'workspace:>=0.1.0 <1.0.0'), or add a changeset asking " +
      'for the major if the break is intended.',
  )
  process.exitCode = 1
} else {
  console.log('check-release: no package is bumped to a major no changeset asked for')
}
