import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { createTempRepository, git as userGit } from '../../test/support/cli.ts'
import { createGit, createWorkspaces, targetLog } from '../git/index.ts'
import { createSandbox, type CommandResult } from '../sandbox/index.ts'
import { createDeepGate, firstBadCommit } from './index.ts'

const disposers: (() => Promise<void>)[] = []
afterEach(async () => {
  while (disposers.length > 0) await disposers.pop()?.()
})

/** Lands commits on colony/main through a scratch worktree, as integrations would. */
async function land(root: string, changes: { taskId: number; file: string; content: string }[]) {
  const scratch = await mkdtemp(join(tmpdir(), 'colony-land-'))
  await rm(scratch, { recursive: true })
  await userGit(root, ['worktree', 'add', '-q', scratch, 'colony/main'])
  for (const change of changes) {
    await writeFile(join(scratch, change.file), change.content)
    await userGit(scratch, ['add', '-A'])
    await userGit(scratch, ['commit', '-qm', `Task ${change.taskId}\n\nColony-Task: ${change.taskId}`])
  }
  await userGit(root, ['worktree', 'remove', '--force', scratch])
}

/** The gate's commands run in the real sandbox, as in a run (bubblewrap when this machine has it). */
function sandboxRunner(repositoryRoot: string) {
  const sandbox = createSandbox({
    repositoryRoot,
    policy: { network: false, readable: [], writable: [], env: [], memoryMb: 1024, processes: 128, outputBytes: 20_000, approve: [], refuse: [] },
  })
  return (command: string, options: { cwd: string; timeoutMs: number }): Promise<CommandResult> => sandbox.run(command, options)
}

describe('firstBadCommit', () => {
  it('finds the first bad commit in log2(n) tests', async () => {
    const commits = Array.from({ length: 16 }, (_, index) => `c${index}`)
    const found = await firstBadCommit(commits, async (commit) => Number(commit.slice(1)) < 11)
    expect(found.commit).toBe('c11')
    expect(found.tested.length).toBeLessThanOrEqual(4)
  })
})

describe('deep gate', () => {
  it('bisects several merges to the one that broke checks.full, reverts only it, and the target is green again', async () => {
    // check.sh fails when any numbered file says "broken"; each task adds its own file.
    const repository = await createTempRepository({ 'check.sh': '! grep -l broken n*.txt 2>/dev/null\n' })
    disposers.push(() => repository.dispose())
    const git = createGit(repository.root)
    await git.run(['update-ref', 'refs/heads/colony/main', 'HEAD'])
    const worktreesDir = join(repository.root, '.colony', 'worktrees')
    await userGit(repository.root, ['config', 'user.name', 'Test'])
    const workspaces = createWorkspaces({ git, root: repository.root, worktreesDir, target: 'colony/main' })
    const reverted: { taskId: number; output: string }[] = []
    const events: string[] = []
    const gate = createDeepGate({
      git,
      workspaces,
      target: 'colony/main',
      commands: ['bash check.sh'],
      run: sandboxRunner(repository.root),
      timeoutMs: 10_000,
      onReverted: async (culprit) => void reverted.push({ taskId: culprit.taskId, output: culprit.output }),
      emit: (type) => void events.push(type),
    })
    expect(await gate.check()).toMatchObject({ status: 'green' })

    await land(repository.root, [
      { taskId: 1, file: 'n1.txt', content: 'ok\n' },
      { taskId: 2, file: 'n2.txt', content: 'ok\n' },
      { taskId: 3, file: 'n3.txt', content: 'ok\n' },
      { taskId: 4, file: 'n4.txt', content: 'broken\n' },
      { taskId: 5, file: 'n5.txt', content: 'ok\n' },
      { taskId: 6, file: 'n6.txt', content: 'ok\n' },
    ])
    const report = await gate.check()
    expect(report).toMatchObject({ status: 'reverted', culprits: [{ taskId: 4 }] })
    expect(reverted).toHaveLength(1)
    expect(reverted[0]?.output).toContain('n4.txt')
    expect(events).toEqual(['deep-gate-passed', 'deep-gate-bisecting', 'deep-gate-passed'])
    const log = await targetLog(git, 'colony/main')
    expect(log[0]?.revertsTask).toBe(4)
    expect(log.filter((commit) => commit.taskId !== undefined).map((commit) => commit.taskId)).toEqual([6, 5, 4, 3, 2, 1])
    expect(await git.run(['cat-file', '-e', 'colony/main:n4.txt'], { okExitCodes: [128] }).then((result) => result.exitCode)).toBe(128)
    expect(await git.text(['show', 'colony/main:n6.txt'])).toBe('ok')
    expect(await gate.check()).toMatchObject({ status: 'unchanged' })
  })

  it('reports a red target it cannot attribute instead of reverting anything', async () => {
    const repository = await createTempRepository({ 'check.sh': 'exit 1\n' })
    disposers.push(() => repository.dispose())
    const git = createGit(repository.root)
    await git.run(['update-ref', 'refs/heads/colony/main', 'HEAD'])
    const workspaces = createWorkspaces({ git, root: repository.root, worktreesDir: join(repository.root, '.colony', 'worktrees'), target: 'colony/main' })
    const gate = createDeepGate({ git, workspaces, target: 'colony/main', commands: ['bash check.sh'], run: sandboxRunner(repository.root), timeoutMs: 10_000, onReverted: async () => undefined })
    const report = await gate.check()
    expect(report).toMatchObject({ status: 'red' })
    if (report.status === 'red') expect(report.reason).toContain('no green commit')
  })
})
