import { rm, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { createTempRepository, git as userGit } from '../../test/support/cli.ts'
import { createGit, NoTaskChangeError, taskDiff, TaskChangeMissingError, type DiffTask } from './index.ts'

const disposers: (() => Promise<void>)[] = []
afterEach(async () => {
  while (disposers.length > 0) await disposers.pop()?.()
})

/** A repository whose target has task 1's commit on it, made in a scratch worktree with `change`. */
async function withLandedTask(change: (path: string) => Promise<void>) {
  const repository = await createTempRepository({ 'README.md': '# sample\n' })
  disposers.push(() => repository.dispose())
  const scratch = `${repository.root}-scratch`
  disposers.push(() => rm(scratch, { recursive: true, force: true }))
  await userGit(repository.root, ['worktree', 'add', '-q', '-b', 'colony/main', scratch])
  await change(scratch)
  await userGit(scratch, ['add', '-A'])
  await userGit(scratch, ['commit', '-qm', 'Task 1\n\nColony-Task: 1'])
  await userGit(repository.root, ['worktree', 'remove', scratch])
  const options = { git: createGit(repository.root), worktreesDir: join(repository.root, '.colony', 'worktrees'), target: 'colony/main', exclude: [] }
  return { root: repository.root, options }
}

const merged: DiffTask = { id: 1, kind: 'work', status: 'merged', owner: null, result: null }

describe('taskDiff', () => {
  it('finds a merged task by its trailer when its result has no commit, and cuts a long patch at a line end, keeping the stat whole', async () => {
    const lines = Array.from({ length: 400 }, (_, index) => `line ${index}`).join('\n')
    const { options } = await withLandedTask(async (path) => {
      await writeFile(join(path, 'long.txt'), `${lines}\n`)
      await writeFile(join(path, 'tab\tname.txt'), 'a tab in the name\n')
    })
    const whole = await taskDiff(merged, options)
    expect(whole.truncated).toBe(false)
    const cut = await taskDiff(merged, { ...options, maxPatchCharacters: 500 })
    expect(cut.truncated).toBe(true)
    expect(cut.patch.length).toBeLessThanOrEqual(500)
    expect(cut.patch.endsWith('\n')).toBe(true)
    expect(whole.patch.startsWith(cut.patch)).toBe(true)
    expect(cut.stat).toEqual([
      { path: 'long.txt', added: 400, removed: 0 },
      { path: 'tab\tname.txt', added: 1, removed: 0 },
    ])
  })

  it('names a commit this clone does not have, and a task whose trailer is on no commit', async () => {
    const { options } = await withLandedTask(async (path) => writeFile(join(path, 'a.txt'), 'a\n'))
    const elsewhere = 'f'.repeat(40)
    await expect(taskDiff({ ...merged, result: { commit: elsewhere } }, options)).rejects.toThrow(TaskChangeMissingError)
    await expect(taskDiff({ ...merged, id: 2 }, options)).rejects.toThrow(new NoTaskChangeError(2, 'merged', 'no commit on the target carries its Colony-Task trailer', '').message)
  })
})
