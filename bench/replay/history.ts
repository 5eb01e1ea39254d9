import { execFile } from 'node:child_process'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

/** One upstream commit of the slice, as a task for a replay worker. */
export interface ReplayCommit {
  /** 0-based position in the slice. */
  index: number
  commit: string
  parent: string
  tree: string
  subject: string
  message: string
  /** `git diff --binary --full-index --no-renames parent commit`: what the worker applies. */
  patch: string
  /** Every path the patch touches (a rename is its old and its new path): the task's scope. */
  files: string[]
  /** Indexes of earlier commits of the slice this one must wait for (see `dependencies`). */
  dependsOn: number[]
}

export interface ReplaySlice {
  /** Where the bundle was unpacked: a bare repository holding the upstream history. */
  upstream: string
  base: string
  last: string
  commits: ReplayCommit[]
  dispose(): Promise<void>
}

export async function git(cwd: string, args: string[], options: { env?: Record<string, string>; input?: string; ok?: number[] } = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = execFile('git', args, { cwd, env: { ...process.env, ...options.env }, maxBuffer: 512 * 1024 * 1024, encoding: 'utf8' }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : -1) : 0
      if (code !== 0 && !(options.ok ?? []).includes(code)) reject(new Error(`git ${args.slice(0, 4).join(' ')} failed (${code}): ${stderr || error?.message}`))
      else resolve({ code, stdout, stderr })
    })
    if (options.input !== undefined) child.stdin?.end(options.input)
  })
}

export async function gitText(cwd: string, args: string[]): Promise<string> {
  return (await git(cwd, args)).stdout.trim()
}

/**
 * Unpacks a fixture bundle and reads `count` consecutive first-parent commits
 * of its `main`, starting after `from` commits (the commit before the first
 * one is the base the person's repository starts from).
 */
export async function loadSlice(bundle: string, options: { from?: number; count?: number; rule?: DependencyRule } = {}): Promise<ReplaySlice> {
  const upstream = await mkdtemp(join(tmpdir(), 'colony-replay-upstream-'))
  await git(upstream, ['init', '-q', '--bare'])
  await git(upstream, ['fetch', '-q', bundle, 'refs/heads/main:refs/heads/main'])
  const all = (await gitText(upstream, ['rev-list', '--first-parent', '--reverse', 'main'])).split('\n')
  const from = options.from ?? 0
  const count = Math.min(options.count ?? all.length - 1 - from, all.length - 1 - from)
  if (count < 1) throw new Error(`the bundle has ${all.length - 1} commits after its base; cannot replay ${options.count ?? 0} from ${from}`)
  const chosen = all.slice(from + 1, from + 1 + count)
  const commits: ReplayCommit[] = []
  for (const [index, commit] of chosen.entries()) {
    const parent = await gitText(upstream, ['rev-parse', `${commit}^`])
    const patch = (await git(upstream, ['diff', '--binary', '--full-index', '--no-renames', parent, commit])).stdout
    const files = (await gitText(upstream, ['diff', '--name-only', '--no-renames', '-z', parent, commit])).split('\0').filter(Boolean)
    commits.push({
      index,
      commit,
      parent,
      tree: await gitText(upstream, ['rev-parse', `${commit}^{tree}`]),
      subject: await gitText(upstream, ['log', '-1', '--format=%s', commit]),
      message: await gitText(upstream, ['log', '-1', '--format=%B', commit]),
      patch,
      files,
      dependsOn: [],
    })
  }
  await dependencies(upstream, commits, options.rule ?? 'commute')
  return { upstream, base: all[from]!, last: chosen.at(-1)!, commits, dispose: () => rm(upstream, { recursive: true, force: true }) }
}

/**
 * `commute` (default): the rule below. `applies`: the weaker rule, i depends on j
 * only when i's patch does not apply on P with j's patch reversed; more
 * commits run at once and land out of order, so workers meet conflicts and
 * resolve them by reapplying their own hunks onto what landed.
 */
export type DependencyRule = 'commute' | 'applies'

/**
 * The dependency rule. Commit i depends on an earlier commit j of the slice
 * when they touch a common file and their patches do not commute on i's
 * upstream parent P: starting from P, j's patch must reverse cleanly, i's
 * patch must then apply, and j's patch must apply again on top, giving
 * exactly i's upstream tree. When any step fails, i waits for j (`--after`).
 * Everything else may land in any order, and a worker that finds its patch
 * conflicting with what landed reapplies its own hunks on top of it.
 * Edges implied by others (i → k → j) are dropped, leaving the nearest ones.
 * Each check runs in a throwaway index (`git apply --cached`), no worktree.
 */
export async function dependencies(upstream: string, commits: ReplayCommit[], rule: DependencyRule = 'commute'): Promise<void> {
  const scratch = await mkdtemp(join(tmpdir(), 'colony-replay-index-'))
  try {
    const index = join(scratch, 'index')
    const env = { GIT_INDEX_FILE: index }
    const apply = async (patch: string, reverse = false) => (await git(upstream, ['apply', '--cached', ...(reverse ? ['-R'] : []), '-'], { env, input: patch, ok: [1, 128] })).code === 0
    const direct = new Map<number, Set<number>>()
    for (const later of commits) {
      const needs = new Set<number>()
      for (const earlier of commits.slice(0, later.index).reverse()) {
        if (!earlier.files.some((file) => later.files.includes(file))) continue
        await git(upstream, ['read-tree', later.parent], { env })
        const applies = (await apply(earlier.patch, true)) && (await apply(later.patch))
        if (rule === 'applies') {
          if (!applies) needs.add(earlier.index)
          continue
        }
        const commutes = applies && (await apply(earlier.patch))
        const tree = commutes ? (await git(upstream, ['write-tree'], { env })).stdout.trim() : ''
        if (!commutes || tree !== later.tree) needs.add(earlier.index)
      }
      direct.set(later.index, needs)
    }
    // Transitive reduction: keep j only if no other dependency k of i already depends on j.
    const reaches = (from: number, to: number, seen = new Set<number>()): boolean => {
      for (const next of direct.get(from) ?? []) {
        if (next === to) return true
        if (!seen.has(next) && (seen.add(next), reaches(next, to, seen))) return true
      }
      return false
    }
    for (const commit of commits) {
      const needs = [...(direct.get(commit.index) ?? [])]
      commit.dependsOn = needs.filter((j) => !needs.some((k) => k !== j && reaches(k, j))).sort((a, b) => a - b)
    }
  } finally {
    await rm(scratch, { recursive: true, force: true })
  }
}
