import { mkdir, utimes, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { createTempRepository } from '../../test/support/cli.ts'
import { createGit } from './git.ts'
import { worktreeHolding } from './checked-out.ts'

describe('worktreeHolding', () => {
  let repository: { root: string; dispose(): Promise<void> } | undefined
  afterEach(async () => repository?.dispose())

  it('finds the worktree holding a branch: checked out, mid-rebase or mid-bisect; none once the linked worktrees are gone', async () => {
    repository = await createTempRepository()
    const git = createGit(repository.root)
    await git.run(['branch', 'colony/main'])
    expect(await worktreeHolding(git, 'colony/main')).toBeUndefined()
    expect(await worktreeHolding(git, 'main')).toBe(repository.root)

    const linked = join(repository.root, '..', `${repository.root.split('/').at(-1)}-linked`)
    await git.run(['worktree', 'add', '-q', linked, 'colony/main'])
    expect(await worktreeHolding(git, 'colony/main')).toBe(linked)

    // A rebase or a bisect detaches HEAD and names the branch it returns to.
    const admin = join(repository.root, '.git', 'worktrees', linked.split('/').at(-1)!)
    await git.run(['-C', linked, 'checkout', '-q', '--detach'])
    expect(await worktreeHolding(git, 'colony/main')).toBeUndefined()
    await mkdir(join(admin, 'rebase-merge'))
    await writeFile(join(admin, 'rebase-merge', 'head-name'), 'refs/heads/colony/main\n')
    expect(await worktreeHolding(git, 'colony/main')).toBe(linked)
    await git.run(['worktree', 'remove', '--force', linked])
    expect(await worktreeHolding(git, 'colony/main')).toBeUndefined()

    await writeFile(join(repository.root, '.git', 'BISECT_START'), 'colony/main\n')
    expect(await worktreeHolding(git, 'colony/main')).toBe(repository.root)
  })

  it('sees a branch checked out in a worktree whose git directory it read before, while it was idle', async () => {
    repository = await createTempRepository()
    const git = createGit(repository.root)
    await git.run(['branch', 'colony/main'])
    const linked = join(repository.root, '..', `${repository.root.split('/').at(-1)}-idle`)
    await git.run(['worktree', 'add', '-q', '--detach', linked])
    const admin = join(repository.root, '.git', 'worktrees', linked.split('/').at(-1)!)
    // Idle for an hour: what it holds is remembered by its HEAD file's identity and modification time.
    const hourAgo = new Date(Date.now() - 3_600_000)
    await utimes(join(admin, 'HEAD'), hourAgo, hourAgo)
    expect(await worktreeHolding(git, 'colony/main')).toBeUndefined()
    expect(await worktreeHolding(git, 'colony/main')).toBeUndefined()
    await git.run(['-C', linked, 'checkout', '-q', 'colony/main'])
    expect(await worktreeHolding(git, 'colony/main')).toBe(linked)
    await utimes(join(admin, 'HEAD'), hourAgo, hourAgo)
    expect(await worktreeHolding(git, 'colony/main')).toBe(linked)
    // Work in the worktree (its index renamed into the directory) leaves what it holds as it was.
    await writeFile(join(linked, 'new.txt'), 'new\n')
    await git.run(['-C', linked, 'add', 'new.txt'])
    expect(await worktreeHolding(git, 'colony/main')).toBe(linked)
    await git.run(['-C', linked, 'checkout', '-q', '--detach'])
    expect(await worktreeHolding(git, 'colony/main')).toBeUndefined()
    await git.run(['worktree', 'remove', '--force', linked])
  })
})
