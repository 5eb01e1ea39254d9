import { execFile } from 'node:child_process'
import { readFile, writeFile } from 'node:fs/promises'
import { delimiter, join } from 'node:path'
import { existsSync } from 'node:fs'
import { promisify } from 'node:util'
import { describe, expect, it } from 'vitest'
import { colony, createTempRepository } from './support/cli.ts'

const execFileAsync = promisify(execFile)

const onPath = (name: string) => (process.env.PATH ?? '').split(delimiter).some((directory) => directory !== '' && existsSync(join(directory, name)))

/** `colony init` in a new repository holding `files`: what it printed and the checks it wrote. */
async function initIn(files: Record<string, string>) {
  const repository = await createTempRepository(files)
  const result = await colony(repository.root, ['init'])
  expect(result.code, result.stderr).toBe(0)
  const config = JSON.parse(await readFile(join(repository.root, 'colony.json'), 'utf8')) as { checks: { fast: string[]; full: string[] } }
  return { ...repository, stdout: result.stdout, checks: config.checks }
}

/** Runs each check as the gate would (a shell line in the repository); returns the ones that failed, with their output. */
async function failingChecks(root: string, commands: readonly string[]): Promise<string[]> {
  const failed: string[] = []
  for (const command of commands) {
    try {
      await execFileAsync('sh', ['-c', command], { cwd: root, timeout: 120_000 })
    } catch (error) {
      const { stdout, stderr } = error as { stdout?: string; stderr?: string }
      failed.push(`${command}: ${stdout ?? ''}${stderr ?? ''}`)
    }
  }
  return failed
}

const passingTest = { 'test/sum.test.mjs': "import { test } from 'node:test'\nimport assert from 'node:assert'\ntest('sum', () => assert.equal(1 + 1, 2))\n" }
const ok = 'node -e "process.exit(0)"'

describe('colony init proposes checks from the repository', () => {
  it('npm: lint and typecheck fast, all three full, and they run', async () => {
    const repository = await initIn({
      'package.json': JSON.stringify({ name: 'app', scripts: { test: 'node --test test/sum.test.mjs', lint: ok, typecheck: ok } }),
      'package-lock.json': JSON.stringify({ name: 'app', lockfileVersion: 3, packages: {} }),
      ...passingTest,
    })
    try {
      expect(repository.checks).toEqual({ fast: ['npm run -s lint', 'npm run -s typecheck'], full: ['npm run -s lint', 'npm run -s typecheck', 'npm test'] })
      expect(repository.stdout).toContain('from: npm (from package-lock.json); package.json scripts "lint", "typecheck", "test"')
      expect(repository.stdout).toContain('not run: make sure they pass')
      expect(repository.stdout).not.toContain('warning')
      expect(await failingChecks(repository.root, repository.checks.full)).toEqual([])
    } finally {
      await repository.dispose()
    }
  })

  it('npm with only a test script: the tests are the fast check too; npm\'s placeholder test is not a test; workspaces keep the root scripts', async () => {
    const only = await initIn({ 'package.json': JSON.stringify({ name: 'app', scripts: { test: 'node --test test/sum.test.mjs' } }), ...passingTest })
    const placeholder = await initIn({ 'package.json': JSON.stringify({ name: 'app', workspaces: ['packages/*'], scripts: { test: 'echo "Error: no test specified" && exit 1', lint: ok } }) })
    try {
      expect(only.checks).toEqual({ fast: ['npm test'], full: ['npm test'] })
      expect(only.stdout).toContain('npm (from package.json and no lock file)')
      expect(await failingChecks(only.root, only.checks.full)).toEqual([])
      expect(placeholder.checks).toEqual({ fast: ['npm run -s lint'], full: ['npm run -s lint'] })
      expect(placeholder.stdout).toContain('"test" script is npm\'s placeholder')
      expect(placeholder.stdout).toContain('package.json scripts "lint" (the root scripts of a workspaces repository')
    } finally {
      await only.dispose()
      await placeholder.dispose()
    }
  })

  // pnpm and yarn come from test/fixtures/agent-clis (vitest.config.ts puts its .bin on PATH), so their checks really run.
  it('pnpm (a workspaces monorepo: the root scripts)', async () => {
    const repository = await initIn({
      'package.json': JSON.stringify({ name: 'mono', private: true, scripts: { test: 'node --test test/sum.test.mjs', typecheck: ok } }),
      'pnpm-lock.yaml': "lockfileVersion: '9.0'\n",
      'pnpm-workspace.yaml': "packages:\n  - 'packages/*'\n",
      'packages/a/package.json': JSON.stringify({ name: 'a', scripts: { test: ok } }),
      ...passingTest,
    })
    try {
      expect(repository.checks).toEqual({ fast: ['pnpm run typecheck'], full: ['pnpm run typecheck', 'pnpm test'] })
      expect(repository.stdout).toContain('pnpm (from pnpm-lock.yaml)')
      expect(repository.stdout).toContain('the root scripts of a workspaces repository')
      expect(await failingChecks(repository.root, repository.checks.full)).toEqual([])
    } finally {
      await repository.dispose()
    }
  })

  it('yarn, bun, and a packageManager field over the lock file', async () => {
    const yarn = await initIn({ 'package.json': JSON.stringify({ name: 'app', scripts: { test: 'node --test test/sum.test.mjs', lint: ok } }), 'yarn.lock': '# yarn lockfile v1\n', ...passingTest })
    const bun = await initIn({ 'package.json': JSON.stringify({ name: 'app', scripts: { test: 'bun test', 'type-check': 'tsc' } }), 'bun.lock': '{}\n' })
    const declared = await initIn({ 'package.json': JSON.stringify({ name: 'app', packageManager: 'yarn@4.5.0', scripts: { test: 'jest' } }), 'package-lock.json': '{}' })
    try {
      expect(yarn.checks).toEqual({ fast: ['yarn run lint'], full: ['yarn run lint', 'yarn test'] })
      expect(yarn.stdout).toContain('yarn (from yarn.lock)')
      expect(await failingChecks(yarn.root, yarn.checks.full)).toEqual([])
      // `bun test` would be bun's own runner, not the script.
      expect(bun.checks).toEqual({ fast: ['bun run type-check'], full: ['bun run type-check', 'bun run test'] })
      expect(declared.checks).toEqual({ fast: ['yarn test'], full: ['yarn test'] })
      expect(declared.stdout).toContain('package.json "packageManager": "yarn@4.5.0"')
    } finally {
      await Promise.all([yarn.dispose(), bun.dispose(), declared.dispose()])
    }
  })

  it('a Makefile\'s test target, which runs; a variable named like a target is not one', async () => {
    const repository = await initIn({ Makefile: 'lint := eslint .\n\n.PHONY: test\ntest:\n\ttest -f Makefile\n' })
    const withLint = await initIn({ Makefile: 'lint:\n\ttrue\ntest: lint\n\ttrue\n' })
    try {
      expect(repository.checks).toEqual({ fast: ['make test'], full: ['make test'] })
      expect(repository.stdout).toContain('from: Makefile with target "test"')
      expect(withLint.checks).toEqual({ fast: ['make lint'], full: ['make lint', 'make test'] })
      expect(withLint.stdout).toContain('from: Makefile with targets "lint" and "test"')
      expect(await failingChecks(withLint.root, withLint.checks.full)).toEqual([])
      expect(await failingChecks(repository.root, repository.checks.full)).toEqual([])
    } finally {
      await repository.dispose()
      await withLint.dispose()
    }
  })

  it('pytest from tests/test_*.py, which runs', async () => {
    const repository = await initIn({ 'tests/test_sum.py': 'def test_sum():\n    assert 1 + 1 == 2\n', 'pyproject.toml': '[project]\nname = "sum"\n' })
    try {
      expect(repository.checks.full).toHaveLength(1)
      expect(repository.checks.full[0]).toMatch(/^(python3? -m pytest|pytest)$/)
      expect(repository.checks.fast).toEqual(repository.checks.full)
      expect(repository.stdout).toContain('pytest (tests/ holds test_*.py files)')
      if (onPath('pytest') || onPath('python')) expect(await failingChecks(repository.root, repository.checks.full)).toEqual([])
    } finally {
      await repository.dispose()
    }
  })

  it('Cargo and Go, and names what else it found', async () => {
    const cargo = await initIn({ 'Cargo.toml': '[package]\nname = "sum"\nversion = "0.1.0"\n', 'src/lib.rs': '' })
    const go = await initIn({ 'go.mod': 'module example.com/sum\n\ngo 1.22\n', 'Makefile': 'build:\n\tgo build ./...\n' })
    const both = await initIn({ 'go.mod': 'module example.com/sum\n', 'package.json': JSON.stringify({ scripts: { test: 'vitest run' } }) })
    try {
      expect(cargo.checks).toEqual({ fast: ['cargo check --all-targets'], full: ['cargo test'] })
      expect(cargo.stdout).toContain('from: Cargo.toml')
      expect(go.checks).toEqual({ fast: ['go vet ./...'], full: ['go test ./...'] })
      expect(both.checks).toEqual({ fast: ['npm test'], full: ['npm test'] })
      expect(both.stdout).toContain('also found go.mod (go test ./...): add it to the checks if it should gate changes too')
    } finally {
      await Promise.all([cargo.dispose(), go.dispose(), both.dispose()])
    }
  })

  it('warns when checks.full is empty: nothing found, or a colony.json that has none', async () => {
    const nothing = await initIn({ 'README.md': '# notes\n' })
    const kept = await createTempRepository({ 'colony.json': JSON.stringify({ checks: { fast: ['true'] } }), 'package.json': JSON.stringify({ scripts: { test: 'jest' } }) })
    try {
      expect(nothing.checks).toEqual({ fast: [], full: [] })
      expect(nothing.stdout).toContain('from: no package.json scripts, Makefile test target, Cargo.toml, go.mod or pytest setup found')
      expect(nothing.stdout).toContain('warning: checks.full in colony.json is empty: nothing tests the target branch after changes land')

      const init = await colony(kept.root, ['init'])
      expect(init.code, init.stderr).toBe(0)
      expect(init.stdout).toContain('colony.json (kept as it was)')
      expect(init.stdout).toContain('checks:  fast: true')
      expect(init.stdout).toContain('warning: checks.full in colony.json is empty')
      await writeFile(join(kept.root, 'colony.json'), JSON.stringify({ checks: { full: ['npm test'] } }))
      expect((await colony(kept.root, ['init'])).stdout).not.toContain('warning')
    } finally {
      await nothing.dispose()
      await kept.dispose()
    }
  })
})
