import { TaskCommitNotFoundError } from './errors.ts'
import { branchRef, type Git } from './git.ts'
import { taskTrailer } from './task-commit.ts'
import { targetTip } from './target-branch.ts'

export interface TargetCommit {
  commit: string
  subject: string
  author: string
  date: string
  /** From the `Colony-Task` trailer; undefined for commits Colony did not make. */
  taskId: number | undefined
  /** The task id this commit reverts (`Colony-Revert-Of` trailer). */
  revertsTask: number | undefined
}

/** A commit's subject and author may hold any byte but NUL, so NUL alone separates fields (and records: every record has the same fields). */
const fields = ['%H', '%s', '%an', '%aI', `%(trailers:key=${taskTrailer},valueonly,separator=%x2C)`, '%(trailers:key=Colony-Revert-Of,valueonly,separator=%x2C)']

/**
 * The target branch's first-parent history, newest first, with each commit's
 * task id. `range` limits it, e.g. `${verified}..${tip}`.
 */
export async function targetLog(git: Git, target: string, options: { range?: string; limit?: number; remote?: string | undefined } = {}): Promise<TargetCommit[]> {
  if (options.remote !== undefined) await targetTip(git, { target, remote: options.remote })
  const args = ['log', '--first-parent', `--format=${fields.join('%x00')}%x00`]
  if (options.limit) args.push(`--max-count=${options.limit}`)
  args.push(options.range ?? branchRef(target), '--')
  const values = (await git.run(args)).stdout.split('\0')
  const commits: TargetCommit[] = []
  for (let start = 0; start + fields.length <= values.length; start += fields.length) {
    const [commit = '', subject = '', author = '', date = '', task = '', reverts = ''] = values.slice(start, start + fields.length)
    commits.push(parseCommit(commit.trim(), subject, author, date, task, reverts))
  }
  return commits
}

function parseCommit(commit: string, subject: string, author: string, date: string, task: string, reverts: string): TargetCommit {
  const taskId = Number.parseInt(task.trim(), 10)
  const revertsTask = Number.parseInt(reverts.trim(), 10)
  return { commit, subject, author, date, taskId: Number.isNaN(taskId) ? undefined : taskId, revertsTask: Number.isNaN(revertsTask) ? undefined : revertsTask }
}

/** The target commit carrying `Colony-Task: <id>`, or undefined when the task has not landed. */
export async function findTaskCommit(git: Git, target: string, taskId: number, remote?: string): Promise<string | undefined> {
  if (remote !== undefined) await targetTip(git, { target, remote })
  const commits = await git.lines(['log', '--first-parent', '--format=%H', `--grep=^${taskTrailer}: ${taskId}$`, branchRef(target), '--'])
  return commits[0]
}

export async function requireTaskCommit(git: Git, target: string, taskId: number, remote?: string): Promise<string> {
  const commit = await findTaskCommit(git, target, taskId, remote)
  if (!commit) throw new TaskCommitNotFoundError(taskId, target)
  return commit
}
