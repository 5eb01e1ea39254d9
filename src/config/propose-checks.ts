import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs'
import { delimiter, join } from 'node:path'

/** The checks `colony init` writes into a new colony.json, and why it chose them. */
export interface ProposedChecks {
  fast: string[]
  full: string[]
  /** What was found and what it gave, one line each, for a person to check. */
  reasons: string[]
}

type PackageManager = 'npm' | 'pnpm' | 'yarn' | 'bun'

/** Lock files, in the order a repository holding several is read. */
const lockFiles: readonly [string, PackageManager][] = [
  ['pnpm-lock.yaml', 'pnpm'],
  ['yarn.lock', 'yarn'],
  ['bun.lock', 'bun'],
  ['bun.lockb', 'bun'],
  ['package-lock.json', 'npm'],
]

/** Script names for each kind of check, the usual spelling first. */
const scriptNames = {
  lint: ['lint'],
  typecheck: ['typecheck', 'type-check', 'check-types'],
  test: ['test'],
} as const

type CheckKind = keyof typeof scriptNames

/** What `npm init` writes as the test script: a placeholder that always fails. */
const placeholderTest = /no test specified/

/** A file's text, or undefined when there is none to read: detection only looks, and a file it cannot read tells it nothing. */
function readText(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8')
  } catch {
    return undefined
  }
}

function readPackageJson(root: string): { scripts: Record<string, string>; workspaces: boolean; packageManager: string | undefined } | undefined {
  const text = readText(join(root, 'package.json'))
  if (text === undefined) return undefined
  let json: unknown
  try {
    json = JSON.parse(text)
  } catch {
    // Not JSON: npm cannot run its scripts either; the other detections still apply.
    return undefined
  }
  if (typeof json !== 'object' || json === null) return undefined
  const fields = json as Record<string, unknown>
  const scripts = typeof fields.scripts === 'object' && fields.scripts !== null ? Object.fromEntries(Object.entries(fields.scripts).filter((entry): entry is [string, string] => typeof entry[1] === 'string')) : {}
  return { scripts, workspaces: fields.workspaces !== undefined || existsSync(join(root, 'pnpm-workspace.yaml')), packageManager: typeof fields.packageManager === 'string' ? fields.packageManager : undefined }
}

/** The package manager a repository uses, and what said so. */
function packageManagerOf(root: string, declared: string | undefined): { manager: PackageManager; because: string } {
  const named = /^(npm|pnpm|yarn|bun)@/.exec(declared ?? '')?.[1] as PackageManager | undefined
  if (named) return { manager: named, because: `package.json "packageManager": "${declared}"` }
  for (const [file, manager] of lockFiles) if (existsSync(join(root, file))) return { manager, because: file }
  return { manager: 'npm', because: 'package.json and no lock file' }
}

/** The command that runs a package.json script with `manager`. */
function scriptCommand(manager: PackageManager, script: string): string {
  // `bun test` is bun's own test runner, not the script; `npm run -s` keeps npm's banner out of gate output.
  if (manager === 'npm') return script === 'test' ? 'npm test' : `npm run -s ${script}`
  if (manager === 'bun') return `bun run ${script}`
  return script === 'test' ? `${manager} test` : `${manager} run ${script}`
}

/** The targets a Makefile defines (`name:`, not `name := value`). */
function makeTargets(root: string): { file: string; targets: Set<string> } | undefined {
  for (const file of ['GNUmakefile', 'makefile', 'Makefile']) {
    const text = readText(join(root, file))
    if (text === undefined) continue
    const targets = new Set<string>()
    for (const match of text.matchAll(/^([A-Za-z0-9_.\- ]+?)\s*::?(?!=)/gm)) for (const name of match[1]!.split(/\s+/)) if (name) targets.add(name)
    return { file, targets }
  }
  return undefined
}

function onPath(name: string): boolean {
  return (process.env.PATH ?? '').split(delimiter).some((directory) => directory !== '' && existsSync(join(directory, name)))
}

/** Why the repository looks like it is tested with pytest, or undefined. */
function pytestEvidence(root: string): string | undefined {
  if (existsSync(join(root, 'pytest.ini'))) return 'pytest.ini'
  if (existsSync(join(root, 'conftest.py'))) return 'conftest.py'
  if (/\[tool\.pytest|["'\s]pytest\b/.test(readText(join(root, 'pyproject.toml')) ?? '')) return 'pyproject.toml names pytest'
  if (/\[tool:pytest\]/.test(readText(join(root, 'setup.cfg')) ?? '')) return 'setup.cfg has [tool:pytest]'
  if (/\[pytest\]/.test(readText(join(root, 'tox.ini')) ?? '')) return 'tox.ini has [pytest]'
  for (const directory of ['tests', 'test']) {
    const path = join(root, directory)
    if (!existsSync(path) || !statSync(path).isDirectory()) continue
    if (readdirSync(path).some((name) => /^test_.*\.py$|_test\.py$/.test(name))) return `${directory}/ holds test_*.py files`
  }
  return undefined
}

/** Orders checks cheap first: bisecting a check of checks.full runs the ones listed before it too. */
function checksFrom(found: Partial<Record<CheckKind, string>>): { fast: string[]; full: string[] } {
  const quick = [found.lint, found.typecheck].filter((command): command is string => command !== undefined)
  const fast = quick.length > 0 ? quick : found.test ? [found.test] : []
  const full = [...quick, ...(found.test ? [found.test] : [])]
  return { fast, full }
}

function fromPackageJson(root: string): (ProposedChecks & { source: string }) | undefined {
  const packageJson = readPackageJson(root)
  if (!packageJson) return undefined
  const { manager, because } = packageManagerOf(root, packageJson.packageManager)
  const found: Partial<Record<CheckKind, string>> = {}
  const used: string[] = []
  const reasons: string[] = []
  for (const kind of Object.keys(scriptNames) as CheckKind[]) {
    const script = scriptNames[kind].find((name) => packageJson.scripts[name] !== undefined)
    if (script === undefined) continue
    if (kind === 'test' && placeholderTest.test(packageJson.scripts[script]!)) {
      reasons.push('package.json\'s "test" script is npm\'s placeholder ("no test specified"): not used')
      continue
    }
    found[kind] = scriptCommand(manager, script)
    used.push(script)
  }
  if (used.length === 0) return { fast: [], full: [], reasons: [...reasons, `package.json (${manager}, from ${because}) has no test, lint or typecheck script`], source: 'package.json' }
  reasons.unshift(`${manager} (from ${because}); package.json scripts ${used.map((name) => `"${name}"`).join(', ')}${packageJson.workspaces ? ' (the root scripts of a workspaces repository: they should cover its packages)' : ''}`)
  return { ...checksFrom(found), reasons, source: 'package.json' }
}

function fromMakefile(root: string): (ProposedChecks & { source: string }) | undefined {
  const make = makeTargets(root)
  if (!make) return undefined
  const test = ['test', 'check'].find((name) => make.targets.has(name))
  const lint = make.targets.has('lint') ? 'lint' : undefined
  if (!test && !lint) return undefined
  const checks = checksFrom({ ...(test && { test: `make ${test}` }), ...(lint && { lint: `make ${lint}` }) })
  return { ...checks, reasons: [`${make.file} with target${test && lint ? 's' : ''} ${[lint, test].filter(Boolean).map((name) => `"${name}"`).join(' and ')}`], source: make.file }
}

function fromCargo(root: string): (ProposedChecks & { source: string }) | undefined {
  if (!existsSync(join(root, 'Cargo.toml'))) return undefined
  return { fast: ['cargo check --all-targets'], full: ['cargo test'], reasons: ['Cargo.toml: a Rust crate or workspace'], source: 'Cargo.toml' }
}

function fromGo(root: string): (ProposedChecks & { source: string }) | undefined {
  if (!existsSync(join(root, 'go.mod'))) return undefined
  return { fast: ['go vet ./...'], full: ['go test ./...'], reasons: ['go.mod: a Go module'], source: 'go.mod' }
}

function fromPytest(root: string): (ProposedChecks & { source: string }) | undefined {
  const evidence = pytestEvidence(root)
  if (!evidence) return undefined
  // `python -m pytest` also puts the repository root on sys.path, as most projects' tests expect.
  const python = onPath('python') ? 'python' : onPath('python3') ? 'python3' : undefined
  const command = python ? `${python} -m pytest` : 'pytest'
  return { fast: [command], full: [command], reasons: [`pytest (${evidence})`], source: 'pytest' }
}

/**
 * The checks a repository's own files suggest, read from them and never run:
 * package.json scripts (with the package manager its lock file names), a
 * Makefile's test target, a Cargo crate, a Go module, pytest. The first of
 * these that gives a check wins; the others found are named so a person can
 * add them. checks.fast gets the quick ones (lint, typecheck; the tests when
 * that is all there is), checks.full the tests after them.
 *
 * @example
 * await proposeChecks(root) // { fast: ['npm run -s lint'], full: ['npm run -s lint', 'npm test'], reasons: ['npm (from package-lock.json); package.json scripts "lint", "test"'] }
 */
export function proposeChecks(root: string): ProposedChecks {
  const candidates = [fromPackageJson, fromMakefile, fromCargo, fromGo, fromPytest].map((detect) => detect(root)).filter((candidate) => candidate !== undefined)
  const chosen = candidates.find((candidate) => candidate.full.length > 0 || candidate.fast.length > 0)
  const reasons = candidates.filter((candidate) => candidate !== chosen && candidate.full.length === 0).flatMap((candidate) => candidate.reasons)
  if (!chosen) return { fast: [], full: [], reasons: reasons.length > 0 ? reasons : ['no package.json scripts, Makefile test target, Cargo.toml, go.mod or pytest setup found'] }
  const others = candidates.filter((candidate) => candidate !== chosen && candidate.full.length > 0)
  return {
    fast: chosen.fast,
    full: chosen.full,
    reasons: [...chosen.reasons, ...others.map((other) => `also found ${other.source} (${other.full.join(', ')}): add it to the checks if it should gate changes too`)],
  }
}
