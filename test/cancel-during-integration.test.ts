import { writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { AlreadyLandedError, createBoard, createTaskHandle, LeaseLostError, type Board } from '../src/board/index.ts'
import { createGit, createTaskLandingGate, createWorkspaces, findTaskCommit, integrate, type IntegrationOutcome } from '../src/git/index.ts'
import { findRepository, prepareColonyDirectory } from '../src/repository/index.ts'
import type { Task } from '../src/store/index.ts'
import { createTempStore } from './support/temp-store.ts'
import { createTempRepository } from './support/cli.ts'

const disposers: (() => Promise<void>)[] = []
afterEach(async () => {
  while (disposers.length > 0) await disposers.pop()?.()
})

const target = 'colony/main'

async function setup() {
  const repository = await createTempRepository({ 'README.md': '# sample\n' })
  disposers.push(() => repository.dispose())
  const git = createGit(repository.root)
  await prepareColonyDirectory(await findRepository(repository.root))
  await git.run(['update-ref', `refs/heads/${target}`, 'HEAD'])
  const { store, dispose } = await createTempStore()
  disposers.push(dispose)
  const board = createBoard({ store, landings: createTaskLandingGate(git, { target }) })
  const workspaces = createWorkspaces({ git, root: repository.root, worktreesDir: join(repository.root, '.colony', 'worktrees'), target })
  const run = await store.createRun({ goal: 'cancel races', target })
  return { git, store, board, workspaces, runId: run.id }
}

type Setup = Awaited<ReturnType<typeof setup>>

/** A worker's task taken to integrating, with a change in its worktree. */
async function integratingTask({ board, workspaces, runId }: Setup, title: string) {
  const created = await board.addTask({ runId, title, createdBy: 'test' })
  const claimed = await board.claim({ runId, owner: `worker-${created.id}` })
  if (claimed?.id !== created.id) throw new Error('the test expected to claim the task it just added')
  const handle = createTaskHandle(board, claimed)
  await handle.advance('running')
  const workspace = await workspaces.open(created.id)
  await writeFile(join(workspace.path, `${title}.txt`), `${title}\n`)
  await handle.advance('integrating')
  return { handle, workspace, task: created }
}

interface Hooks {
  duringGate?: () => Promise<void>
  onEvent?: (type: string) => Promise<void>
}

function land(setup: Setup, workspace: { git: ReturnType<typeof createGit> }, task: Task, hooks: Hooks = {}): Promise<IntegrationOutcome> {
  return integrate({
    git: workspace.git,
    target,
    task: { id: task.id, runId: task.runId, title: task.title, description: '', scope: [] },
    author: { name: 'worker', email: 'worker@colony.local' },
    diffLimit: 1000,
    gate: async () => {
      await hooks.duringGate?.()
      return { passed: true, output: '' }
    },
    emit: async (type) => hooks.onEvent?.(type),
  })
}

/** Cancels, and says whether the cancel won (false: the change had landed and the task is recorded merged). */
async function cancel(board: Board, taskId: number): Promise<boolean> {
  try {
    await board.cancel(taskId, 'changed my mind', 'person')
    return true
  } catch (error) {
    if (error instanceof AlreadyLandedError) return false
    throw error
  }
}

/** The one invariant: cancelled and not on the target, or merged and on the target. */
async function expectOneOutcome({ git, store }: Setup, taskId: number) {
  const task = await store.getTask(taskId)
  const landed = await findTaskCommit(git, target, taskId)
  if (task.status === 'cancelled') expect(landed, `task ${taskId} is cancelled but landed`).toBeUndefined()
  else expect({ status: task.status, commit: task.result?.commit }).toEqual({ status: 'merged', commit: landed })
  return task.status
}

describe('a task cancelled while it integrates is either not on the target or recorded merged, never both', () => {
  it.each([
    ['before the gate', (trigger: () => Promise<void>): Hooks & { before?: () => Promise<void> } => ({ before: trigger })],
    ['during the gate', (trigger: () => Promise<void>): Hooks => ({ duringGate: trigger })],
    ['after the gate', (trigger: () => Promise<void>): Hooks => ({ onEvent: async (type) => (type === 'gate-passed' ? trigger() : undefined) })],
    ['at the swap', (trigger: () => Promise<void>): Hooks => ({ onEvent: async (type) => (type === 'landing-swap' ? trigger() : undefined) })],
  ])('cancelled %s: nothing lands and the task is cancelled', async (_moment, hooksFor) => {
    const context = await setup()
    const { workspace, task } = await integratingTask(context, 'feature')
    const tipBefore = await context.git.resolveRef(`refs/heads/${target}`)
    let won: boolean | undefined
    const hooks: Hooks & { before?: () => Promise<void> } = hooksFor(async () => void (won = await cancel(context.board, task.id)))
    await hooks.before?.()
    const outcome = await land(context, workspace, task, hooks)
    expect(won).toBe(true)
    expect(outcome.status).toBe('cancelled')
    expect(await context.git.resolveRef(`refs/heads/${target}`)).toBe(tipBefore)
    expect(await expectOneOutcome(context, task.id)).toBe('cancelled')
  })

  it('cancelled just after the swap: the cancel is refused and the task is recorded merged, so it can be reverted', async () => {
    const context = await setup()
    const { handle, workspace, task } = await integratingTask(context, 'feature')
    const outcome = await land(context, workspace, task)
    expect(outcome.status).toBe('merged')
    const refused = await context.board.cancel(task.id, 'too late', 'person').catch((error: unknown) => error)
    expect(refused).toBeInstanceOf(AlreadyLandedError)
    expect((refused as AlreadyLandedError).hint).toMatch(/colony revert/)
    // The worker's own record of the merge comes second and finds it done.
    await expect(handle.advance('merged', { result: { commit: outcome.status === 'merged' ? outcome.commit : '' } })).rejects.toBeInstanceOf(LeaseLostError)
    expect(await expectOneOutcome(context, task.id)).toBe('merged')
  })

  it('a holder that lost its lease and landed anyway: the next holder finds the task landed instead of landing it twice', async () => {
    const context = await setup()
    const { workspace, task } = await integratingTask(context, 'feature')
    const first = await land(context, workspace, task)
    expect(first.status).toBe('merged')
    const second = await context.workspaces.open(task.id)
    await writeFile(join(second.path, 'feature.txt'), 'feature, done again by the next holder\n')
    const again = await land(context, second, task)
    expect(again).toMatchObject({ status: 'landed-before', commit: first.status === 'merged' ? first.commit : '' })
    expect((await context.git.lines(['log', '--format=%H', `--grep=^Colony-Task: ${task.id}$`, target])).length).toBe(1)
  })

  it('cancels racing eight landings at random moments: every task ends with exactly one outcome', async () => {
    const context = await setup()
    const tasks = []
    for (let index = 0; index < 8; index++) tasks.push(await integratingTask(context, `feature-${index}`))
    const pause = () => new Promise<void>((resolve) => setTimeout(resolve, Math.random() * 60))
    await Promise.all(
      tasks.flatMap(({ workspace, task }) => [
        land(context, workspace, task, { duringGate: pause }).catch((error: unknown) => error),
        pause().then(() => cancel(context.board, task.id)),
      ]),
    )
    const statuses = []
    for (const { task } of tasks) statuses.push(await expectOneOutcome(context, task.id))
    expect(statuses.every((status) => status === 'cancelled' || status === 'merged')).toBe(true)
  })
})
