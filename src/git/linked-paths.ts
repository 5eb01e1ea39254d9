import { spawnSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { isAbsolute, join, matchesGlob, normalize, sep } from 'node:path'
import { WorkspaceLinkError } from './errors.ts'

const globCharacters = /[*?[\]{}]/

/** Whether a workspace.link or workspace.copy entry is a glob such as `packages/*\/node_modules`. */
export function isGlob(pattern: string): boolean {
  return globCharacters.test(pattern)
}

/** A path relative to the repository root that stays inside it, normalized; anything else is refused. */
export function insideRoot(path: string): string {
  const normalized = normalize(path)
  if (isAbsolute(normalized) || normalized === '..' || normalized.startsWith(`..${sep}`)) {
    throw new WorkspaceLinkError(path, 'it is not a path inside the repository')
  }
  return normalized.endsWith(sep) ? normalized.slice(0, -1) : normalized
}

/** Whether `path` (relative to the repository) is one of `patterns`, or lies under one: plain paths and globs alike. */
export function isUnderAny(path: string, patterns: readonly string[]): boolean {
  const segments = path.split('/')
  for (let length = 1; length <= segments.length; length++) {
    const ancestor = segments.slice(0, length).join('/')
    if (patterns.some((pattern) => ancestor === pattern || (isGlob(pattern) && matchesGlob(ancestor, pattern)))) return true
  }
  return false
}

/**
 * The untracked paths of a working tree, ignored ones included, with a
 * directory git does not track at all reported once (`node_modules`, not its
 * thousands of files).
 */
function untrackedPaths(root: string): string[] {
  const result = spawnSync('git', ['ls-files', '-z', '--others', '--directory'], { cwd: root, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024, env: { ...process.env, LC_ALL: 'C', GIT_CONFIG_NOSYSTEM: '1' } })
  if (result.error) throw result.error
  if (result.status !== 0) throw new WorkspaceLinkError(root, `git ls-files failed: ${result.stderr.trim()}`)
  return result.stdout.split('\0').filter((path) => path !== '').map((path) => (path.endsWith('/') ? path.slice(0, -1) : path))
}

/**
 * The paths, relative to the repository, that workspace.link or
 * workspace.copy entries name in the person's checkout: a plain entry as it
 * is (when it exists), a glob matched against the paths git does not track
 * there (`**\/node_modules` finds every installed node_modules of a
 * workspaces monorepo; an untracked directory is matched as a whole).
 *
 * PERF: runs git synchronously (the sandbox builds its arguments without
 * awaiting); `--directory` keeps it from descending into untracked trees.
 *
 * @example
 *   resolveLinkedPaths('/repo', ['**\/node_modules']) // ['node_modules', 'packages/app/node_modules']
 */
export function resolveLinkedPaths(root: string, patterns: readonly string[]): string[] {
  const found = new Set<string>()
  const globs: string[] = []
  for (const pattern of patterns) {
    const path = insideRoot(pattern)
    if (isGlob(path)) globs.push(path)
    else if (existsSync(join(root, path))) found.add(path)
  }
  if (globs.length > 0) {
    for (const path of untrackedPaths(root)) if (globs.some((glob) => matchesGlob(path, glob))) found.add(path)
  }
  return [...found].sort()
}

