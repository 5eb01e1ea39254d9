import { fileURLToPath } from 'node:url'

/**
 * A public repository whose history the replay re-enacts, as a person has it:
 * dependencies installed in their checkout (ignored by `.gitignore`) and linked
 * into Colony's worktrees, hooks installed the way the repository installs them.
 */
export interface ReplayRepository {
  name: string
  /** Where the history comes from (github owner/name) and the upstream commits it covers. */
  upstream: string
  shape: string
  bundle: string
  /** Commands that install dependencies in the person's checkout (bench only: they need the registry). */
  install: string[]
  /** colony.json `workspace.link`. */
  link: string[]
  /** The repository's own tests, as run on the target at the end (and by Colony's gates when `gate` says so). */
  checks: string[]
  /**
   * `fast`: every task's acceptance and `checks.full` are `checks` (each landing is
   * gated, the deep gate watches the target); `final`: Colony runs no checks, the
   * harness runs `checks` on the final target only (for histories whose
   * intermediate commits are red upstream, or whose checks need the final lockfile).
   */
  gate: 'fast' | 'final'
  /** When set, the final checks run on a fresh install by these commands instead of the base's linked dependencies. */
  finalInstall?: string[]
  /** Git hooks installed in the person's repository, as their tooling would (name → command). */
  hooks: Record<string, string>
  /** Where the hooks live: `.git/hooks` (simple-git-hooks, husky 4) or a `core.hooksPath` (husky 9). */
  hooksPath?: string
}

const fixture = (name: string) => fileURLToPath(new URL(`../../test/fixtures/${name}`, import.meta.url))

export const replayRepositories: ReplayRepository[] = [
  {
    name: 'cookie',
    upstream: 'jshttp/cookie 316064e..4f7c94a (26 first-parent commits, 2025-06 to 2026-06)',
    shape: 'npm library: package-lock.json, node_modules/ in .gitignore, TypeScript + vitest',
    bundle: fixture('cookie.bundle'),
    install: ['npm ci --no-audit --no-fund --ignore-scripts'],
    link: ['node_modules'],
    checks: ['npx --no-install vitest run'],
    gate: 'fast',
    finalInstall: ['npm ci --no-audit --no-fund --ignore-scripts'],
    hooks: {},
  },
  {
    name: 'zkochan-packages',
    upstream: 'zkochan/packages b9f1e12..3732559 (30 first-parent commits, 2025-08 to 2026-03)',
    shape: 'pnpm workspace monorepo: 32 packages, node_modules/ in every package, pnpm catalogs, ESM conversion mid-slice',
    bundle: fixture('zkochan-packages.bundle'),
    install: ['npx -y pnpm@10.14.0 install --frozen-lockfile'],
    link: ['**/node_modules'],
    // render-help, run-groups and dir-is-case-sensitive test their compiled lib/ and graceful-git a
    // compiled dependency; upstream's CI compiles with `pnpm -r run prepublishOnly`, which fails
    // outside their CI (a pnpmfile the config dependency expects), so those four are left out.
    checks: ["npx -y pnpm@11.0.0-beta.3 -r --no-bail --filter '!render-help' --filter '!run-groups' --filter '!dir-is-case-sensitive' --filter '!graceful-git' test"],
    gate: 'final',
    finalInstall: ['npx -y pnpm@11.0.0-beta.3 install --frozen-lockfile'],
    hooks: {},
  },
  {
    name: 'nanoid',
    upstream: 'ai/nanoid a6a94d3..07a39d6 (38 first-parent commits, 2025 to 2026)',
    shape: 'single-package pnpm library with a simple-git-hooks pre-commit hook (./test/check-versions.js) in .git/hooks; node:test, no install needed for its tests',
    bundle: fixture('nanoid.bundle'),
    install: [],
    link: ['node_modules'],
    checks: ['node --test test/*.test.js', 'node test/check-versions.js'],
    gate: 'fast',
    hooks: { 'pre-commit': './test/check-versions.js' },
  },
]
