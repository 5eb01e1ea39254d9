import { existsSync } from 'node:fs'
import { copyFile, mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { NoTaskChangeError, TaskChangeMissingError } from './task-diff-errors.ts'
import { branchRef, createGit, type Git } from './git.ts'
import { stageChanges } from './stage-changes.ts'
import { targetTip, type TargetLocation } from './target-branch.ts'
import { findTaskCommit } from './target-log.ts'
import { taskWorktreePath } from './task-workspace.ts'

/** One file of a change, as `git diff --numstat` counts it. */
export interface DiffStatEntry {
  path: string
  /** Lines added and removed; null for a binary file. */
  added: number | null
  removed: number | null
  /** Where the file was before, when the change moved it. */
  from?: string
}

/**
 * Which change of the task is shown: `candidate`, the gated commit waiting for
 * a person's approval (or being landed after it); `merged`, the task's commit
 * on the target (still shown once reverted); `worktree`, the files of an
 * attempt in progress as they are now.
 */
export type TaskChangeSource = 'candidate' | 'merged' | 'worktree'

export interface TaskDiff {
  source: TaskChangeSource
  /** The commit the change applies to. */
  base: string
  /** The change's commit; null for a worktree, whose change is not committed yet. */
  head: string | null
  stat: DiffStatEntry[]
  patch: string
  /** The patch was cut short at `maxPatchCharacters` (at a line's end); `stat` is always whole. */
  truncated: boolean
}

/** What a task diff reads of a task (the store's Task has these fields). */
export interface DiffTask {
  id: number
  kind: string
  status: string
  owner: string | null
  result: Record<string, unknown> | null
}

export interface TaskDiffOptions extends TargetLocation {
  /** Git at the repository's main working tree. */
  git: Git
  worktreesDir: string
  /** workspace.link and workspace.copy entries: what a worktree holds that is never part of its change. */
  exclude: readonly string[]
  /** Cut the patch at this many characters (the API's answer stays bounded); no limit when undefined. */
  maxPatchCharacters?: number
  /** The command to run git under in a worktree this process cannot see (an overlay mounted in a running Colony's namespace); see overlay's workspaceVia. */
  worktreeVia?: (path: string) => readonly string[] | undefined
}

const inProgress = ['claimed', 'running', 'integrating']

/**
 * An approved change is `integrating` with no owner until a lander takes it,
 * then owned by one (`instance/landing-N`, src/board/landing-owner.ts): what
 * lands is the approved candidate, not whatever a worktree holds meanwhile.
 */
const isLanding = (task: DiffTask) => task.status === 'integrating' && (task.owner === null || /\/landing-\d+$/.test(task.owner))

/**
 * A diff reads the same whatever the person's git config says: no colour, no
 * external diff or textconv program (a `.gitattributes` in the change could
 * name one), `a/` and `b/` prefixes, paths relative to the root and not
 * octal-quoted.
 */
const diffCommand = ['-c', 'core.quotePath=false', 'diff', '--no-color', '--no-ext-diff', '--no-textconv', '--find-renames', '--src-prefix=a/', '--dst-prefix=b/', '--no-relative']

/**
 * The change a task makes, for a person to look at before (or after) it
 * lands: for a task awaiting merge approval its gated candidate commit, for a
 * merged or reverted one its commit on the target, and for one a worker holds
 * the files in its worktree against the target commit they started from
 * (staged into an index of its own, so the worker's index is untouched).
 * Throws NoTaskChangeError, saying the task's state, when there is nothing
 * to show.
 *
 * @example
 *   const diff = await taskDiff(task, { git: createGit(root), worktreesDir, target: 'colony/main', exclude: [] })
 *   diff.stat // [{ path: 'src/slugify.ts', added: 3, removed: 1 }]
 */
export async function taskDiff(task: DiffTask, options: TaskDiffOptions): Promise<TaskDiff> {
  const { git } = options
  if (task.kind === 'plan') throw new NoTaskChangeError(task.id, task.status, 'a plan task changes no files', 'its work is in the tasks it created: see them with `colony task list`')
  const worktree = taskWorktreePath(options.worktreesDir, task.id)
  const candidate = textField(task.result, 'candidate')
  if (candidate && (task.status === 'awaiting_approval' || isLanding(task))) return commitChange(task.id, candidate, 'candidate', options)
  if (inProgress.includes(task.status) && existsSync(worktree)) {
    try {
      const { base, tree } = await worktreeChange(worktree, options)
      return await describeChange(git, { source: 'worktree', base, to: tree, head: null }, options.maxPatchCharacters)
    } catch (error) {
      // The attempt ended while its worktree was read: what it left, if anything, is found below.
      if (existsSync(worktree)) throw error
    }
  }
  if (task.status === 'merged' || task.status === 'reverted') {
    const commit = textField(task.result, 'commit') ?? (await findTaskCommit(git, options.target, task.id, options.remote))
    if (commit) return commitChange(task.id, commit, 'merged', options)
  }
  const { why, hint } = noChange(task)
  throw new NoTaskChangeError(task.id, task.status, why, hint)
}

function textField(result: Record<string, unknown> | null, key: string): string | undefined {
  const value = result?.[key]
  return typeof value === 'string' && value !== '' ? value : undefined
}

async function commitChange(taskId: number, commit: string, source: TaskChangeSource, options: TaskDiffOptions): Promise<TaskDiff> {
  const { git } = options
  let head = await git.resolveRef(commit)
  if (!head && options.remote !== undefined) {
    await targetTip(git, options)
    head = await git.resolveRef(commit)
  }
  if (!head) throw new TaskChangeMissingError(taskId, commit)
  // A task's commit has the target commit it landed on as its first parent; a root commit changes the empty tree.
  const base = (await git.resolveRef(`${head}^`)) ?? (await git.text(['mktree'], { input: '' }))
  return describeChange(git, { source, base, to: head, head }, options.maxPatchCharacters)
}

/** The worktree's files staged, as integration would stage them, into a copy of its index: the tree they make and where they branched from the target. */
async function worktreeChange(path: string, options: TaskDiffOptions): Promise<{ base: string; tree: string }> {
  const via = options.worktreeVia?.(path)
  const worktree = createGit(path, { via })
  const index = await worktree.text(['rev-parse', '--path-format=absolute', '--git-path', 'index'])
  const scratch = await mkdtemp(join(tmpdir(), 'colony-diff-'))
  try {
    const copy = join(scratch, 'index')
    // PERF: the copy keeps the index's file stats, so git reads only the files that changed.
    if (existsSync(index)) await copyFile(index, copy)
    const staging = createGit(path, { env: { GIT_INDEX_FILE: copy }, via })
    if (!existsSync(copy)) await staging.run(['read-tree', 'HEAD'])
    await stageChanges(staging, options.exclude)
    const tree = await staging.text(['write-tree'])
    const base = await worktree.text(['merge-base', 'HEAD', branchRef(options.target)])
    return { base, tree }
  } finally {
    await rm(scratch, { recursive: true, force: true })
  }
}

async function describeChange(git: Git, change: { source: TaskChangeSource; base: string; to: string; head: string | null }, maxPatchCharacters: number | undefined): Promise<TaskDiff> {
  const [numstat, patch] = await Promise.all([git.run([...diffCommand, '--numstat', '-z', change.base, change.to]), git.run([...diffCommand, change.base, change.to])])
  return { source: change.source, base: change.base, head: change.head, stat: parseNumstat(numstat.stdout), ...cut(patch.stdout, maxPatchCharacters) }
}

/**
 * `git diff --numstat -z`: `ADDED\tREMOVED\tPATH\0` per file, or for a moved
 * file `ADDED\tREMOVED\t\0FROM\0TO\0`; `-` counts for a binary file.
 */
function parseNumstat(output: string): DiffStatEntry[] {
  const fields = output.split('\0')
  const entries: DiffStatEntry[] = []
  for (let index = 0; index < fields.length; index++) {
    const match = /^(\d+|-)\t(\d+|-)\t(.*)$/s.exec(fields[index]!)
    if (!match) continue
    const count = (text: string) => (text === '-' ? null : Number(text))
    const entry: DiffStatEntry = { path: match[3]!, added: count(match[1]!), removed: count(match[2]!) }
    if (entry.path === '') {
      entry.from = fields[index + 1] ?? ''
      entry.path = fields[index + 2] ?? ''
      index += 2
    }
    entries.push(entry)
  }
  return entries
}

function cut(patch: string, maxCharacters: number | undefined): { patch: string; truncated: boolean } {
  if (maxCharacters === undefined || patch.length <= maxCharacters) return { patch, truncated: false }
  const lineEnd = patch.lastIndexOf('\n', maxCharacters - 1)
  return { patch: patch.slice(0, lineEnd > 0 ? lineEnd + 1 : maxCharacters), truncated: true }
}

function noChange(task: DiffTask): { why: string; hint: string } {
  const id = task.id
  switch (task.status) {
    case 'awaiting_approval':
      return { why: 'its plan waits for approval; no work has been done on it yet', hint: `approve it with \`colony approve ${id}\`; its change shows once a worker is on it` }
    case 'proposed':
    case 'ready':
    case 'blocked':
      return { why: 'no worker has taken it yet, so there is no change', hint: `its change shows once a worker is on it: \`colony diff ${id}\` while it runs, or once it is gated or merged` }
    case 'claimed':
    case 'running':
    case 'integrating':
      return { why: 'its worktree is not in this repository', hint: 'a `colony worker` in another clone holds it: look there, or once its change is gated or merged' }
    case 'merged':
    case 'reverted':
      return { why: 'no commit on the target carries its Colony-Task trailer', hint: 'see what landed with `colony log`' }
    case 'cancelled':
      return { why: 'nothing of it landed, so there is no change to show', hint: `its history is in \`colony task show ${id}\`` }
    default:
      return { why: "none of its attempts landed a change, and an attempt's worktree goes when the attempt ends", hint: `what each attempt's gate said is in its history: \`colony task show ${id}\`` }
  }
}
