import { writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { createTempRepository, git as userGit } from '../../test/support/cli.ts'
import { createGit, createWorkspaces, RevertConflictError, revertOnTarget, targetLog } from './index.ts'

const disposers: (() => Promise<void>)[] = []
afterEach(async () => {
  while (disposers.length > 0) await disposers.pop()?.()
})

/** A target branch with three task commits made in a scratch clone, so the user's tree stays as it was. */
async function repositoryWithTasks() {
  const repository = await createTempRepository({ 'a.txt': 'a\n', 'b.txt': 'b\n', 'c.txt': 'c\n' })
  disposers.push(() => repository.dispose())
  const scratch = `${repository.root}-scratch`
  disposers.push(async () => (await import('node:fs/promises')).rm(scratch, { recursive: true, force: true }))
  await userGit(repository.root, ['worktree', 'add', '-q', '-b', 'colony/main', scratch])
  for (const [id, file] of [[1, 'a.txt'], [2, 'b.txt'], [3, 'c.txt']] as const) {
    await writeFile(join(scratch, file), `${file} by task ${id}\n`)
    await userGit(scratch, ['commit', '-qam', `Task ${id}\n\nColony-Task: ${id}`])
  }
  await userGit(repository.root, ['worktree', 'remove', scratch])
  const git = createGit(repository.root)
  const workspaces = createWorkspaces({ git, root: repository.root, worktreesDir: `${repository.root}-worktrees`, target: 'colony/main' })
  disposers.push(async () => (await import('node:fs/promises')).rm(`${repository.root}-worktrees`, { recursive: true, force: true }))
  const scratchGit = await workspaces.openDetached('gate', await git.text(['rev-parse', 'colony/main']))
  return { root: repository.root, git, scratch: scratchGit }
}

describe('revertOnTarget', () => {
  it('reverts one task in the middle of the history by compare-and-swap, without a working tree', async () => {
    const { root, git, scratch } = await repositoryWithTasks()
    const statusBefore = await userGit(root, ['status', '--porcelain'])
    const culprit = (await targetLog(git, 'colony/main')).find((commit) => commit.taskId === 2)!.commit
    const revert = await revertOnTarget({ scratch, target: 'colony/main', commit: culprit, taskId: 2, reason: 'broke npm test' })
    expect(await git.text(['rev-parse', 'colony/main'])).toBe(revert)
    expect(await git.text(['show', 'colony/main:b.txt'])).toBe('b')
    expect(await git.text(['show', 'colony/main:a.txt'])).toBe('a.txt by task 1')
    expect(await git.text(['show', 'colony/main:c.txt'])).toBe('c.txt by task 3')
    const [newest] = await targetLog(git, 'colony/main')
    expect(newest).toMatchObject({ revertsTask: 2, taskId: undefined })
    expect(await git.text(['log', '-1', '--format=%B', 'colony/main'])).toContain('Reason: broke npm test')
    expect(await userGit(root, ['status', '--porcelain'])).toBe(statusBefore)
    expect(await userGit(root, ['rev-parse', '--abbrev-ref', 'HEAD'])).toBe('main')
  })

  it('refuses a revert that conflicts with later changes, leaving the target where it was', async () => {
    const { root, git, scratch } = await repositoryWithTasks()
    const later = `${root}-later`
    disposers.push(async () => (await import('node:fs/promises')).rm(later, { recursive: true, force: true }))
    await userGit(root, ['worktree', 'add', '-q', later, 'colony/main'])
    await writeFile(join(later, 'b.txt'), 'b rewritten later\n')
    await userGit(later, ['commit', '-qam', 'later change to b'])
    await userGit(root, ['worktree', 'remove', later])
    const tip = await git.text(['rev-parse', 'colony/main'])
    const culprit = (await targetLog(git, 'colony/main')).find((commit) => commit.taskId === 2)!.commit
    const error = await revertOnTarget({ scratch, target: 'colony/main', commit: culprit, reason: 'x' }).catch((caught: unknown) => caught)
    expect(error).toBeInstanceOf(RevertConflictError)
    expect((error as RevertConflictError).files).toEqual(['b.txt'])
    expect(await git.text(['rev-parse', 'colony/main'])).toBe(tip)
  })
})
