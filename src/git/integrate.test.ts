import { readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { createTempRepository, git as userGit } from '../../test/support/cli.ts'
import { findRepository, prepareColonyDirectory } from '../repository/index.ts'
import { openStore } from '../store/index.ts'
import { createGit, createLandingLock, createWorkspaces, integrate, targetLog, type IntegrationOutcome, type Workspace } from './index.ts'

const disposers: (() => Promise<void>)[] = []
afterEach(async () => {
  while (disposers.length > 0) await disposers.pop()?.()
})

async function setup(files: Record<string, string>) {
  const repository = await createTempRepository(files)
  disposers.push(() => repository.dispose())
  const git = createGit(repository.root)
  await prepareColonyDirectory(await findRepository(repository.root))
  await git.run(['update-ref', 'refs/heads/colony/main', 'HEAD'])
  const workspaces = createWorkspaces({ git, root: repository.root, worktreesDir: join(repository.root, '.colony', 'worktrees'), target: 'colony/main' })
  return { root: repository.root, git, workspaces }
}

function integrateTask(workspace: Workspace, task: { id: number; scope?: string[] }, options: { gate?: () => Promise<{ passed: boolean; output: string }>; events?: { type: string; data: Record<string, unknown> }[]; diffLimit?: number; landing?: <T>(work: () => Promise<T>) => Promise<T> } = {}) {
  return integrate({
    git: workspace.git,
    target: 'colony/main',
    task: { id: task.id, title: `Task ${task.id}`, description: '', scope: task.scope ?? [] },
    author: { name: `worker-${task.id}`, email: `worker-${task.id}@colony.local` },
    diffLimit: options.diffLimit ?? 1000,
    gate: options.gate ?? (async () => ({ passed: true, output: '' })),
    emit: (type, data) => void options.events?.push({ type, data }),
    ...(options.landing && { landing: options.landing }),
  })
}

describe('integrate', () => {
  it('lands 16 concurrent integrations of separate files on a linear target, each commit once, with the races in the events', async () => {
    const { root, git, workspaces } = await setup({ 'README.md': '# sample\n' })
    const workspaceList = await Promise.all(Array.from({ length: 16 }, (_, index) => workspaces.open(index + 1)))
    for (const workspace of workspaceList) await writeFile(join(workspace.path, `file-${workspace.taskId}.txt`), `task ${workspace.taskId}\n`)

    // Every integration passes its first gate at the same tip, so all but one must lose the first compare-and-swap.
    let arrived = 0
    let release!: () => void
    const barrier = new Promise<void>((resolve) => (release = resolve))
    const firstGate = new Set<number>()
    const events: { type: string; data: Record<string, unknown> }[] = []
    const outcomes = await Promise.all(
      workspaceList.map((workspace) =>
        integrateTask(workspace, { id: workspace.taskId, scope: [`file-${workspace.taskId}.txt`] }, {
          events,
          gate: async () => {
            if (!firstGate.has(workspace.taskId)) {
              firstGate.add(workspace.taskId)
              if (++arrived === 16) release()
              await barrier
            }
            return { passed: true, output: '' }
          },
        }),
      ),
    )

    expect(outcomes.map((outcome) => outcome.status)).toEqual(Array(16).fill('merged'))
    const log = await targetLog(git, 'colony/main')
    expect(log.map((commit) => commit.taskId).filter((id) => id !== undefined).sort((a, b) => a - b)).toEqual(Array.from({ length: 16 }, (_, index) => index + 1))
    expect(await git.text(['rev-list', '--merges', '--count', 'colony/main'])).toBe('0')
    expect(await git.text(['rev-list', '--count', 'colony/main'])).toBe('17')
    const races = outcomes.reduce((sum, outcome) => sum + (outcome.status === 'merged' ? outcome.races : 0), 0)
    expect(races).toBeGreaterThanOrEqual(15)
    expect(events.filter((event) => event.type === 'target-moved')).toHaveLength(races)
    // Separate files: after a lost race the gate need not run again, and the events say why.
    expect(events.filter((event) => event.type === 'gate-skipped').length).toBeGreaterThan(0)
    for (let id = 1; id <= 16; id++) expect(await git.text(['show', `colony/main:file-${id}.txt`])).toBe(`task ${id}`)
    expect(await userGit(root, ['status', '--porcelain'])).toBe('')
  })

  it('with a shared landing lock, 16 concurrent integrations never lose a compare-and-swap to each other', async () => {
    const { git, workspaces } = await setup({ 'README.md': '# sample\n' })
    const workspaceList = await Promise.all(Array.from({ length: 16 }, (_, index) => workspaces.open(index + 1)))
    for (const workspace of workspaceList) await writeFile(join(workspace.path, `file-${workspace.taskId}.txt`), `task ${workspace.taskId}\n`)
    const landing = createLandingLock()
    const events: { type: string; data: Record<string, unknown> }[] = []
    const outcomes = await Promise.all(workspaceList.map((workspace) => integrateTask(workspace, { id: workspace.taskId, scope: [`file-${workspace.taskId}.txt`] }, { events, landing })))
    expect(outcomes.map((outcome) => outcome.status)).toEqual(Array(16).fill('merged'))
    expect(await git.text(['rev-list', '--count', 'colony/main'])).toBe('17')
    expect(events.filter((event) => event.type === 'target-moved' && event.data.at === 'swap')).toEqual([])
    // The ones that gated before others landed caught up in the lock, without a second gate.
    const caughtUp = events.filter((event) => event.type === 'target-moved' && event.data.at === 'catch-up').length
    expect(caughtUp).toBeGreaterThan(0)
    expect(events.filter((event) => event.type === 'gate-passed')).toHaveLength(16)
  })

  it('with landing locks in two processes sharing the store\'s named lock, no integration loses a compare-and-swap to the other process', async () => {
    const { git, workspaces } = await setup({ 'README.md': '# sample\n' })
    const store = await openStore(join(git.cwd, '.colony', 'locks.db'))
    try {
      const sharedAs = (owner: string) => createLandingLock({ tryLock: (ttlMs) => store.tryLock('landing:colony/main', owner, ttlMs), unlock: () => store.unlock('landing:colony/main', owner) })
      const processes = [sharedAs('one'), sharedAs('two')]
      const workspaceList = await Promise.all(Array.from({ length: 12 }, (_, index) => workspaces.open(index + 1)))
      for (const workspace of workspaceList) await writeFile(join(workspace.path, `file-${workspace.taskId}.txt`), `task ${workspace.taskId}\n`)
      const events: { type: string; data: Record<string, unknown> }[] = []
      const outcomes = await Promise.all(workspaceList.map((workspace) => integrateTask(workspace, { id: workspace.taskId, scope: [`file-${workspace.taskId}.txt`] }, { events, landing: processes[workspace.taskId % 2]! })))
      expect(outcomes.map((outcome) => outcome.status)).toEqual(Array(12).fill('merged'))
      expect(await git.text(['rev-list', '--count', 'colony/main'])).toBe('13')
      expect(events.filter((event) => event.type === 'target-moved' && event.data.at === 'swap')).toEqual([])
    } finally {
      await store.close()
    }
  })

  it('hands the second of two tasks editing the same line the conflict, and both land once it resolves it', async () => {
    const { git, workspaces } = await setup({ 'src/index.ts': "export const greeting = 'hello'\n" })
    const first = await workspaces.open(1)
    const second = await workspaces.open(2)
    await writeFile(join(first.path, 'src/index.ts'), "export const greeting = 'hello, world'\n")
    await writeFile(join(second.path, 'src/index.ts'), "export const greeting = 'hi'\nexport const farewell = 'bye'\n")
    expect((await integrateTask(first, { id: 1 })).status).toBe('merged')

    const events: { type: string; data: Record<string, unknown> }[] = []
    const conflicted = await integrateTask(second, { id: 2 }, { events })
    expect(conflicted.status).toBe('conflict')
    if (conflicted.status !== 'conflict') return
    expect(conflicted.files.map((file) => file.path)).toEqual(['src/index.ts'])
    expect(conflicted.files[0]?.content).toContain('<<<<<<<')
    expect(conflicted.message).toContain('src/index.ts')
    expect(events.map((event) => event.type)).toContain('merge-conflict')

    // Calling finish with the markers still there is refused with the files named.
    const stillMarked = await integrateTask(second, { id: 2 })
    expect(stillMarked.status).toBe('unresolved-markers')

    await writeFile(join(second.path, 'src/index.ts'), "export const greeting = 'hello, world'\nexport const farewell = 'bye'\n")
    const resolved = await integrateTask(second, { id: 2 })
    expect(resolved.status).toBe('merged')
    expect(await git.text(['show', 'colony/main:src/index.ts'])).toBe("export const greeting = 'hello, world'\nexport const farewell = 'bye'")
    expect((await targetLog(git, 'colony/main')).map((commit) => commit.taskId)).toEqual([2, 1, undefined])
  })

  it('refuses files outside the scope and changes over the size limit, keeping the work in the worktree', async () => {
    const { git, workspaces } = await setup({ 'src/a.ts': 'a\n', 'docs/b.md': 'b\n' })
    const workspace = await workspaces.open(1)
    await writeFile(join(workspace.path, 'src/a.ts'), 'a2\n')
    await writeFile(join(workspace.path, 'docs/b.md'), 'b2\n')
    const stray = await integrateTask(workspace, { id: 1, scope: ['src/**'] })
    expect(stray).toMatchObject({ status: 'out-of-scope', files: ['docs/b.md'] })
    expect(stray.message).toContain('docs/b.md')
    expect(stray.message).toContain('src/**')
    expect(await readFile(join(workspace.path, 'docs/b.md'), 'utf8')).toBe('b2\n')

    await writeFile(join(workspace.path, 'docs/b.md'), 'b\n')
    await writeFile(join(workspace.path, 'src/a.ts'), Array.from({ length: 50 }, (_, index) => `line ${index}`).join('\n'))
    const large: IntegrationOutcome = await integrateTask(workspace, { id: 1, scope: ['src/**'] }, { diffLimit: 20 })
    expect(large).toMatchObject({ status: 'too-large', limit: 20 })
    expect(large.message).toMatch(/51 lines .* limit per task is 20/)
    expect(await git.resolveRef('refs/heads/colony/main')).toBe(await git.text(['rev-parse', 'main']))

    await writeFile(join(workspace.path, 'src/a.ts'), 'a3\n')
    expect((await integrateTask(workspace, { id: 1, scope: ['src/**'] })).status).toBe('merged')
  })

  it('returns the failing gate output and lands once the worker fixes it, as one commit', async () => {
    const { git, workspaces } = await setup({ 'value.txt': '1\n' })
    const workspace = await workspaces.open(7)
    await writeFile(join(workspace.path, 'value.txt'), 'broken\n')
    const gate = async () => {
      const value = await readFile(join(workspace.path, 'value.txt'), 'utf8')
      return value.trim() === 'broken' ? { passed: false, output: 'AssertionError: value.txt is broken' } : { passed: true, output: 'ok' }
    }
    const failed = await integrateTask(workspace, { id: 7 }, { gate })
    expect(failed.status).toBe('gate-failed')
    expect(failed.message).toContain('AssertionError: value.txt is broken')
    await writeFile(join(workspace.path, 'value.txt'), '2\n')
    expect((await integrateTask(workspace, { id: 7 }, { gate })).status).toBe('merged')
    const log = await targetLog(git, 'colony/main')
    expect(log.map((commit) => commit.taskId)).toEqual([7, undefined])
    expect(log[0]?.author).toBe('worker-7')
  })

  it('says so when there is nothing to integrate', async () => {
    const { workspaces } = await setup({ 'a.txt': 'a\n' })
    const outcome = await integrateTask(await workspaces.open(1), { id: 1 })
    expect(outcome.status).toBe('nothing-to-commit')
  })
})

describe("the user's working tree", () => {
  it('stays byte-identical, with its index, stash and checked-out branch, through integrations and cleanup', async () => {
    const { root, git, workspaces } = await setup({ 'src/app.ts': 'export const app = 1\n', 'notes.md': 'notes\n' })
    await writeFile(join(root, 'src/app.ts'), 'export const app = 2 // uncommitted\n')
    await writeFile(join(root, 'notes.md'), 'staged notes\n')
    await userGit(root, ['add', 'notes.md'])
    await writeFile(join(root, 'scratch.txt'), 'untracked\n')
    await writeFile(join(root, 'notes.md'), 'staged notes, then edited\n')
    const snapshot = async () => ({
      status: await userGit(root, ['status', '--porcelain=v2', '--branch']),
      staged: await userGit(root, ['diff', '--cached']),
      unstaged: await userGit(root, ['diff']),
      head: await userGit(root, ['symbolic-ref', 'HEAD']),
      stash: await userGit(root, ['stash', 'list']),
      files: await Promise.all(['src/app.ts', 'notes.md', 'scratch.txt'].map((path) => readFile(join(root, path)))),
    })
    const before = await snapshot()

    const workspace = await workspaces.open(1)
    await writeFile(join(workspace.path, 'src/app.ts'), 'export const app = 3\n')
    expect((await integrateTask(workspace, { id: 1 })).status).toBe('merged')
    await workspaces.remove(1)
    expect(await git.text(['show', 'colony/main:src/app.ts'])).toBe('export const app = 3')
    expect(await snapshot()).toEqual(before)
  })
})
