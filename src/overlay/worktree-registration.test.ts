import { mkdir, readFile, rm } from 'node:fs/promises'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { createTempRepository } from '../../test/support/cli.ts'
import { createGit } from '../git/index.ts'
import { registerWorktree } from './worktree-registration.ts'

async function filesOf(directory: string, names = ['HEAD', 'commondir', 'gitdir', 'locked']): Promise<Record<string, string>> {
  const found: Record<string, string> = {}
  for (const name of names) found[name] = await readFile(join(directory, name), 'utf8')
  return found
}

describe('registerWorktree', () => {
  let repository: { root: string; dispose(): Promise<void> } | undefined
  afterEach(async () => repository?.dispose())

  it('writes what `git worktree add --no-checkout --lock -B` writes, and git takes it for a worktree on its branch', async () => {
    repository = await createTempRepository()
    const git = createGit(repository.root)
    const commit = await git.text(['rev-parse', 'HEAD'])
    const ours = join(repository.root, '.colony', 'worktrees', 'task-7')
    const theirs = join(repository.root, '.colony', 'worktrees', 'task-8')
    await mkdir(ours, { recursive: true })
    const administration = await registerWorktree(git, { path: ours, pointerAt: ours, commit, branch: 'colony/task/7' })
    await git.run(['worktree', 'add', '--no-checkout', '--lock', '--quiet', '-B', 'colony/task/8', theirs, commit])

    const written = await filesOf(administration)
    const gits = await filesOf(join(repository.root, '.git', 'worktrees', 'task-8'))
    expect(written).toEqual({ ...gits, HEAD: gits.HEAD!.replace('task/8', 'task/7'), gitdir: gits.gitdir!.replace('task-8', 'task-7') })
    expect(await readFile(join(ours, '.git'), 'utf8')).toBe(`gitdir: ${administration}\n`)
    expect(await git.text(['rev-parse', 'refs/heads/colony/task/7'])).toBe(commit)
    const listed = (await git.text(['worktree', 'list', '--porcelain'])).split('\n\n').find((entry) => entry.startsWith(`worktree ${ours}\n`))
    expect(listed).toContain('branch refs/heads/colony/task/7')
    expect(listed).toContain('locked')
    const inside = createGit(ours)
    expect(await inside.text(['symbolic-ref', 'HEAD'])).toBe('refs/heads/colony/task/7')
    // A file checked out there, as the base's index would show it, is clean.
    await inside.run(['read-tree', '-m', '-u', 'HEAD'])
    expect(await inside.text(['status', '--porcelain'])).toBe('')
  })

  it('starts detached without a branch; leaves a name another worktree has to git, which numbers the new one', async () => {
    repository = await createTempRepository()
    const git = createGit(repository.root)
    const commit = await git.text(['rev-parse', 'HEAD'])
    const detached = join(repository.root, '.colony', 'bases', 'detached')
    await mkdir(detached, { recursive: true })
    const administration = await registerWorktree(git, { path: detached, pointerAt: detached, commit })
    expect(await readFile(join(administration, 'HEAD'), 'utf8')).toBe(`${commit}\n`)

    // A person's worktree elsewhere already has the name task-9.
    const persons = join(repository.root, '..', `${repository.root.split('/').at(-1)}-person`, 'task-9')
    await git.run(['worktree', 'add', '--quiet', '-b', 'person', persons])
    const personsFiles = await filesOf(join(repository.root, '.git', 'worktrees', 'task-9'), ['HEAD', 'commondir', 'gitdir'])
    const ours = join(repository.root, '.colony', 'worktrees', 'task-9')
    await mkdir(ours, { recursive: true })
    const numbered = await registerWorktree(git, { path: ours, pointerAt: ours, commit, branch: 'colony/task/9' })
    expect(numbered).not.toBe(join(repository.root, '.git', 'worktrees', 'task-9'))
    expect(await filesOf(join(repository.root, '.git', 'worktrees', 'task-9'), ['HEAD', 'commondir', 'gitdir'])).toEqual(personsFiles)
    expect(await readFile(join(numbered, 'gitdir'), 'utf8')).toBe(`${join(ours, '.git')}\n`)
    await git.run(['worktree', 'remove', '--force', persons])
    await rm(join(persons, '..'), { recursive: true, force: true })
  })
})
