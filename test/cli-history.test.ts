import { writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createBoard } from '../src/board/index.ts'
import { createGit, createWorkspaces, integrate } from '../src/git/index.ts'
import { openStore } from '../src/store/index.ts'
import { colony, createTempRepository, git } from './support/cli.ts'

describe('colony log and colony revert', () => {
  let repo: { root: string; dispose(): Promise<void> }
  beforeEach(async () => {
    repo = await createTempRepository({ 'README.md': '# sample\n', 'src/a.ts': 'export const a = 1\n' })
  })
  afterEach(async () => {
    await repo.dispose()
  })

  /** Lands task 1 for real: claim, worktree, integrate, merged. */
  async function landTask(): Promise<string> {
    expect((await colony(repo.root, ['init'])).code).toBe(0)
    expect((await colony(repo.root, ['task', 'add', 'Bump a', '--scope', 'src/**'])).stdout.trim()).toBe('1')
    const store = await openStore(join(repo.root, '.colony', 'colony.db'))
    try {
      const board = createBoard({ store })
      const run = (await store.latestRun())!
      const claimed = (await board.claim({ runId: run.id, owner: 'test-worker' }))!
      const running = await board.advance(claimed, 'running')
      const rootGit = createGit(repo.root)
      const workspace = await createWorkspaces({ git: rootGit, root: repo.root, worktreesDir: join(repo.root, '.colony', 'worktrees'), target: 'colony/main' }).open(1)
      await writeFile(join(workspace.path, 'src/a.ts'), 'export const a = 2\n')
      const integrating = await board.advance(running, 'integrating')
      const outcome = await integrate({ git: workspace.git, target: 'colony/main', task: { id: 1, title: 'Bump a', description: '', scope: ['src/**'] }, author: { name: 'worker-1', email: 'w@colony.local' }, diffLimit: 100, gate: async () => ({ passed: true, output: '' }) })
      if (outcome.status !== 'merged') throw new Error(outcome.message)
      await board.advance(integrating, 'merged', { result: { commit: outcome.commit } })
      return outcome.commit
    } finally {
      await store.close()
    }
  }

  it('log lists the target commits with their task ids; revert undoes a merged task on the target and marks it reverted', async () => {
    const commit = await landTask()
    const log = await colony(repo.root, ['log'])
    expect(log.stdout).toMatch(new RegExp(`^${commit.slice(0, 12)}\\s+1\\s+worker-1\\s+Bump a$`, 'm'))
    const json = JSON.parse((await colony(repo.root, ['log', '--json'])).stdout) as { commit: string; taskId: number | null }[]
    expect(json.map((entry) => entry.taskId)).toEqual([1, null])

    const reverted = await colony(repo.root, ['revert', '1', '--reason', 'wrong constant'])
    expect(reverted.code).toBe(0)
    expect(reverted.stdout).toContain('task 1 reverted')
    expect(await git(repo.root, ['show', 'colony/main:src/a.ts'])).toBe('export const a = 1')
    const { task } = JSON.parse((await colony(repo.root, ['task', 'show', '1', '--json'])).stdout) as { task: { status: string; reason: string } }
    expect(task).toMatchObject({ status: 'reverted' })
    expect(task.reason).toContain('wrong constant')
    expect((await colony(repo.root, ['log'])).stdout).toMatch(/revert of 1\s+Colony\s+Revert "Bump a"/)
    const events = (await colony(repo.root, ['events', '--task', '1'])).stdout
    expect(events).toContain('task-reverted')

    // A second revert is refused: the task is no longer merged; the target does not move.
    const tip = await git(repo.root, ['rev-parse', 'colony/main'])
    const again = await colony(repo.root, ['revert', '1', '--reason', 'twice'])
    expect(again.code).toBe(1)
    expect(again.stderr).toContain('task 1 is reverted')
    expect(await git(repo.root, ['rev-parse', 'colony/main'])).toBe(tip)
    expect(await git(repo.root, ['status', '--porcelain'])).toBe('?? colony.json')
  })
})
