import { mkdir, writeFile } from 'node:fs/promises'
import { dirname, join } from 'node:path'
import { createBoard } from '../../src/board/index.ts'
import { createGit, createWorkspaces, integrate } from '../../src/git/index.ts'
import { openStore } from '../../src/store/index.ts'
import { colony } from './cli.ts'

/**
 * Lands one task on `colony/main` of a set-up repository the way a worker
 * does, for real: `colony task add`, claim, a worktree, the change, integrate
 * (rebase, gate, compare-and-swap), merged on the board. Returns the task's id
 * and the target commit carrying it.
 */
export async function landTask(root: string, task: { title: string; files: Record<string, string> }): Promise<{ id: number; commit: string }> {
  const added = await colony(root, ['task', 'add', task.title])
  if (added.code !== 0) throw new Error(added.stderr)
  const id = Number(added.stdout.trim())
  const store = await openStore(join(root, '.colony', 'colony.db'))
  try {
    const board = createBoard({ store })
    const run = (await store.latestRun())!
    const claimed = await board.claim({ runId: run.id, owner: 'test-worker' })
    if (claimed?.id !== id) throw new Error(`claimed ${claimed?.id ?? 'nothing'} instead of task ${id}`)
    const running = await board.advance(claimed, 'running')
    const workspaces = createWorkspaces({ git: createGit(root), root, worktreesDir: join(root, '.colony', 'worktrees'), target: 'colony/main' })
    const workspace = await workspaces.open(id)
    for (const [path, content] of Object.entries(task.files)) {
      await mkdir(dirname(join(workspace.path, path)), { recursive: true })
      await writeFile(join(workspace.path, path), content)
    }
    const integrating = await board.advance(running, 'integrating')
    const outcome = await integrate({ git: workspace.git, target: 'colony/main', task: { id, title: task.title, description: '', scope: [] }, author: { name: 'worker-1', email: 'w@colony.local' }, diffLimit: 1_000, gate: async () => ({ passed: true, output: '' }) })
    if (outcome.status !== 'merged') throw new Error(outcome.message)
    await board.advance(integrating, 'merged', { result: { commit: outcome.commit } })
    await workspaces.remove(id)
    return { id, commit: outcome.commit }
  } finally {
    await store.close()
  }
}

/** Gives the repository's current run a goal and the judge's verdict, as a `colony run` would have recorded them. */
export async function recordGoalAndVerdict(root: string, goal: string, verdict: { decision: 'done' | 'continue' | 'replan'; reason: string }): Promise<void> {
  const store = await openStore(join(root, '.colony', 'colony.db'))
  try {
    const run = (await store.latestRun())!
    await store.updateRun(run.id, run.version, { goal })
    await store.appendEvents([{ runId: run.id, type: 'verdict', data: { cycle: 1, ...verdict } }])
  } finally {
    await store.close()
  }
}
