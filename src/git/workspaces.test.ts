import { existsSync } from 'node:fs'
import { lstat, mkdir, readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { createTempRepository } from '../../test/support/cli.ts'
import { findRepository, prepareColonyDirectory } from '../repository/index.ts'
import { createGit, createWorkspaces, WorkspaceLinkError, WorkspaceSetupError, type WorkspacePreparation } from './index.ts'

const disposers: (() => Promise<void>)[] = []
afterEach(async () => {
  while (disposers.length > 0) await disposers.pop()?.()
})

async function setup(preparation?: WorkspacePreparation, runSetup?: (command: string, cwd: string) => Promise<{ ok: boolean; output: string }>) {
  const repository = await createTempRepository({ 'README.md': '# sample\n', '.gitignore': 'node_modules/\n.env\n' })
  disposers.push(() => repository.dispose())
  const git = createGit(repository.root)
  await prepareColonyDirectory(await findRepository(repository.root))
  await git.run(['update-ref', 'refs/heads/colony/main', 'HEAD'])
  const worktreesDir = join(repository.root, '.colony', 'worktrees')
  return { root: repository.root, git, workspaces: createWorkspaces({ git, root: repository.root, worktreesDir, target: 'colony/main', ...(preparation && { preparation }), ...(runSetup && { runSetup }) }) }
}

describe('workspaces', () => {
  it('opens a worktree per task on colony/task/<id> from the target tip, linking and copying ignored paths and running setup', async () => {
    const setupRuns: string[] = []
    const { root, git, workspaces } = await setup({ link: ['node_modules'], copy: ['.env'], setup: ['npm ci'] }, async (command, cwd) => {
      setupRuns.push(`${command} @ ${cwd}`)
      return { ok: true, output: '' }
    })
    await mkdir(join(root, 'node_modules', 'left-pad'), { recursive: true })
    await writeFile(join(root, '.env'), 'TOKEN=1\n')
    const workspace = await workspaces.open(3)
    expect(workspace.branch).toBe('colony/task/3')
    expect(await workspace.git.text(['rev-parse', '--abbrev-ref', 'HEAD'])).toBe('colony/task/3')
    expect(workspace.base).toBe(await git.text(['rev-parse', 'colony/main']))
    // A real directory of links to the person's packages (see link-farm.ts), so caches written there stay in the worktree.
    expect((await lstat(join(workspace.path, 'node_modules'))).isDirectory()).toBe(true)
    expect((await lstat(join(workspace.path, 'node_modules', 'left-pad'))).isSymbolicLink()).toBe(true)
    expect(existsSync(join(workspace.path, 'node_modules', 'left-pad'))).toBe(true)
    expect(await readFile(join(workspace.path, '.env'), 'utf8')).toBe('TOKEN=1\n')
    expect(setupRuns).toEqual([`npm ci @ ${workspace.path}`])
  })

  it('turns a failing setup command into a clear error and leaves no worktree behind', async () => {
    const { workspaces } = await setup({ link: [], copy: [], setup: ['make deps'] }, async () => ({ ok: false, output: 'make: *** No rule to make target deps' }))
    const error = await workspaces.open(1).catch((caught: unknown) => caught)
    expect(error).toBeInstanceOf(WorkspaceSetupError)
    expect((error as WorkspaceSetupError).message).toContain('make deps')
    expect((error as WorkspaceSetupError).message).toContain('No rule to make target deps')
    expect(existsSync(workspaces.pathFor(1))).toBe(false)
  })

  it('refuses link paths that leave the repository', async () => {
    const { workspaces } = await setup({ link: ['../secrets'], copy: [], setup: [] })
    await expect(workspaces.open(1)).rejects.toBeInstanceOf(WorkspaceLinkError)
  })

  it('starts every attempt fresh at the tip, and resumes a crashed attempt with its files only when asked', async () => {
    const { workspaces } = await setup()
    const first = await workspaces.open(5)
    await writeFile(join(first.path, 'half-done.txt'), 'work in progress\n')
    const resumed = await workspaces.open(5, { resume: true })
    expect(resumed.resumed).toBe(true)
    expect(await readFile(join(resumed.path, 'half-done.txt'), 'utf8')).toBe('work in progress\n')
    const next = await workspaces.open(5)
    expect(next.resumed).toBe(false)
    expect(existsSync(join(next.path, 'half-done.txt'))).toBe(false)
  })

  it('sweeps worktrees and branches no task needs, including ones whose directory vanished', async () => {
    const { git, workspaces } = await setup()
    await Promise.all([1, 2, 3].map((id) => workspaces.open(id)))
    const { rm } = await import('node:fs/promises')
    await rm(workspaces.pathFor(2), { recursive: true, force: true })
    const removed = await workspaces.sweep((taskId) => taskId === 3)
    expect(removed).toEqual([1, 2])
    expect(await git.lines(['for-each-ref', '--format=%(refname:short)', 'refs/heads/colony/task/'])).toEqual(['colony/task/3'])
    expect((await git.lines(['worktree', 'list'])).length).toBe(2)
  })
})
