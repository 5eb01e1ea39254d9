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

/** Lands commits on colony/main through a scratch worktree, as integrations would; `content: null` deletes the file. */
async function land(root: string, changes: { taskId: number; file: string; content: string | null }[]) {
  const scratch = await mkdtemp(join(tmpdir(), 'colony-land-'))
  await rm(scratch, { recursive: true })
  await userGit(root, ['worktree', 'add', '-q', scratch, 'colony/main'])
  for (const change of changes) {
    if (change.content === null) await rm(join(scratch, change.file))
    else await writeFile(join(scratch, change.file), change.content)
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
    expect(events).toEqual(['deep-gate-passed', 'deep-gate-report', 'deep-gate-bisecting', 'deep-gate-passed', 'deep-gate-report'])
    const log = await targetLog(git, 'colony/main')
    expect(log[0]?.revertsTask).toBe(4)
    expect(log.filter((commit) => commit.taskId !== undefined).map((commit) => commit.taskId)).toEqual([6, 5, 4, 3, 2, 1])
    expect(await git.run(['cat-file', '-e', 'colony/main:n4.txt'], { okExitCodes: [128] }).then((result) => result.exitCode)).toBe(128)
    expect(await git.text(['show', 'colony/main:n6.txt'])).toBe('ok')
    expect(await gate.check()).toMatchObject({ status: 'unchanged' })
  })

  it('reports a check that fails at the run\'s start as red from the start and reverts nothing', async () => {
    const repository = await createTempRepository({ 'check.sh': 'exit 1\n' })
    disposers.push(() => repository.dispose())
    const git = createGit(repository.root)
    await git.run(['update-ref', 'refs/heads/colony/main', 'HEAD'])
    const baseline = await git.text(['rev-parse', 'colony/main'])
    await land(repository.root, [{ taskId: 1, file: 'n1.txt', content: 'ok\n' }])
    const workspaces = createWorkspaces({ git, root: repository.root, worktreesDir: join(repository.root, '.colony', 'worktrees'), target: 'colony/main' })
    const reverted: number[] = []
    const gate = createDeepGate({ git, workspaces, target: 'colony/main', commands: ['bash check.sh'], baseline, run: sandboxRunner(repository.root), timeoutMs: 10_000, onReverted: async (culprit) => void reverted.push(culprit.taskId) })
    const report = await gate.check()
    expect(report).toMatchObject({ status: 'red', culprits: [], checks: [{ command: 'bash check.sh', status: 'red-from-start' }] })
    expect(reverted).toEqual([])
    expect(await targetLog(git, 'colony/main')).toHaveLength(2)
  })

  it('with no checks passes each tip without checking it out', async () => {
    const repository = await createTempRepository()
    disposers.push(() => repository.dispose())
    const git = createGit(repository.root)
    await git.run(['update-ref', 'refs/heads/colony/main', 'HEAD'])
    await land(repository.root, [{ taskId: 1, file: 'n1.txt', content: 'ok\n' }])
    const worktreesDir = join(repository.root, '.colony', 'worktrees')
    const workspaces = createWorkspaces({ git, root: repository.root, worktreesDir, target: 'colony/main' })
    const gate = createDeepGate({ git, workspaces, target: 'colony/main', commands: [], run: sandboxRunner(repository.root), timeoutMs: 10_000, onReverted: async () => undefined })
    const report = await gate.check()
    const tip = await git.text(['rev-parse', 'colony/main'])
    expect(report).toMatchObject({ status: 'green', tip, checks: [], culprits: [] })
    expect(await git.text(['rev-parse', 'refs/colony/verified/colony/main'])).toBe(tip)
    expect(await git.lines(['worktree', 'list', '--porcelain'])).toEqual([`worktree ${repository.root}`, expect.stringMatching(/^HEAD /), 'branch refs/heads/main'])
  })

  it('bisects a check that relies on what an earlier check leaves behind with that earlier check run first', async () => {
    // test.sh reads what build.sh writes; task 3 breaks the source, so the build still passes and the test fails.
    const repository = await createTempRepository({ 'source.txt': 'good\n', 'build.sh': 'cp source.txt out.txt\n', 'test.sh': 'grep -q good out.txt\n' })
    disposers.push(() => repository.dispose())
    const git = createGit(repository.root)
    await git.run(['update-ref', 'refs/heads/colony/main', 'HEAD'])
    await userGit(repository.root, ['config', 'user.name', 'Test'])
    const workspaces = createWorkspaces({ git, root: repository.root, worktreesDir: join(repository.root, '.colony', 'worktrees'), target: 'colony/main' })
    const reverted: number[] = []
    const gate = createDeepGate({ git, workspaces, target: 'colony/main', commands: ['bash build.sh', 'bash test.sh'], run: sandboxRunner(repository.root), timeoutMs: 10_000, onReverted: async (culprit) => void reverted.push(culprit.taskId) })
    expect(await gate.check()).toMatchObject({ status: 'green' })
    await land(repository.root, [
      { taskId: 1, file: 'n1.txt', content: 'ok\n' },
      { taskId: 2, file: 'n2.txt', content: 'ok\n' },
      { taskId: 3, file: 'source.txt', content: 'bad\n' },
      { taskId: 4, file: 'n4.txt', content: 'ok\n' },
    ])
    expect(await gate.check()).toMatchObject({ status: 'reverted', checks: [{ status: 'passing' }, { command: 'bash test.sh', status: 'reverted', culprits: [{ taskId: 3 }] }] })
    expect(reverted).toEqual([3])
  })

  describe('on a target that starts red', () => {
    // feature.sh is the goal's test, red until feature.txt exists; lint.sh is a repository-wide check, green until a numbered file says "broken".
    const commands = ['bash feature.sh', 'bash lint.sh']

    async function redTarget() {
      const repository = await createTempRepository({ 'feature.sh': 'test -f feature.txt || { echo "feature.txt is missing"; exit 1; }\n', 'lint.sh': '! grep -l broken n*.txt 2>/dev/null\n' })
      disposers.push(() => repository.dispose())
      const git = createGit(repository.root)
      await git.run(['update-ref', 'refs/heads/colony/main', 'HEAD'])
      await userGit(repository.root, ['config', 'user.name', 'Test'])
      const workspaces = createWorkspaces({ git, root: repository.root, worktreesDir: join(repository.root, '.colony', 'worktrees'), target: 'colony/main' })
      const sandbox = sandboxRunner(repository.root)
      const ran: string[] = []
      const run = (command: string, options: { cwd: string; timeoutMs: number }) => (ran.push(command), sandbox(command, options))
      const reverted: { taskId: number; output: string }[] = []
      const events: { type: string; data: Record<string, unknown> }[] = []
      const openGate = (baseline?: string) =>
        createDeepGate({
          git,
          workspaces,
          target: 'colony/main',
          commands,
          run,
          timeoutMs: 10_000,
          ...(baseline !== undefined && { baseline }),
          onReverted: async (culprit) => void reverted.push({ taskId: culprit.taskId, output: culprit.output }),
          emit: (type, data) => void events.push({ type, data }),
        })
      return { root: repository.root, git, ran, reverted, events, openGate }
    }

    it('bisects a merge that breaks a green check from the baseline, reverts only that task, and reports the other check as red from the start', async () => {
      const { root, git, reverted, events, openGate, ran } = await redTarget()
      const baseline = await git.text(['rev-parse', 'colony/main'])
      const gate = openGate(baseline)
      await land(root, [
        { taskId: 1, file: 'n1.txt', content: 'ok\n' },
        { taskId: 2, file: 'n2.txt', content: 'broken\n' },
        { taskId: 3, file: 'n3.txt', content: 'ok\n' },
      ])
      const report = await gate.check()
      expect(report).toMatchObject({
        status: 'red',
        culprits: [{ taskId: 2 }],
        checks: [
          { command: 'bash feature.sh', status: 'red-from-start' },
          { command: 'bash lint.sh', status: 'reverted', culprits: [{ taskId: 2 }] },
        ],
      })
      expect(report.checks[0]?.output).toContain('feature.txt is missing')
      expect(reverted.map((culprit) => culprit.taskId)).toEqual([2])
      expect(reverted[0]?.output).toContain('n2.txt')
      expect(events.find((event) => event.type === 'deep-gate-bisecting')?.data).toMatchObject({ command: 'bash lint.sh', since: baseline })
      const log = await targetLog(git, 'colony/main')
      expect(log[0]?.revertsTask).toBe(2)
      expect(await git.text(['show', 'colony/main:n3.txt'])).toBe('ok')
      const reported = events.filter((event) => event.type === 'deep-gate-report').at(-1)
      expect(reported?.data).toMatchObject({ status: 'red', checks: [{ command: 'bash feature.sh', status: 'red-from-start' }, { command: 'bash lint.sh', status: 'reverted' }] })

      // Nothing landed since: the gate answers from what it knows about this tip instead of running the checks again.
      const ranBefore = ran.length
      expect(await gate.check()).toMatchObject({ status: 'red', culprits: [], checks: [{ status: 'red-from-start' }, { status: 'passing' }] })
      expect(ran.length).toBe(ranBefore)
    })

    it('records the check that starts passing, and attributes a later break of it, across a restart of the gate', async () => {
      const { root, git, reverted, events, openGate } = await redTarget()
      const gate = openGate(await git.text(['rev-parse', 'colony/main']))
      expect(await gate.check()).toMatchObject({ status: 'red', checks: [{ status: 'red-from-start' }, { status: 'passing' }] })

      await land(root, [{ taskId: 4, file: 'feature.txt', content: 'built\n' }])
      const built = await git.text(['rev-parse', 'colony/main'])
      expect(await gate.check()).toMatchObject({ status: 'green', checks: [{ status: 'passing' }, { status: 'passing' }] })

      // A new gate, as after `colony run` is restarted without a baseline: the passes are on record in git.
      const restarted = openGate()
      await land(root, [
        { taskId: 5, file: 'feature.txt', content: null },
        { taskId: 6, file: 'n6.txt', content: 'ok\n' },
      ])
      const report = await restarted.check()
      expect(report).toMatchObject({ status: 'reverted', culprits: [{ taskId: 5 }], checks: [{ command: 'bash feature.sh', status: 'reverted', culprits: [{ taskId: 5 }] }, { status: 'passing' }] })
      expect(reverted.map((culprit) => culprit.taskId)).toEqual([5])
      expect(events.filter((event) => event.type === 'deep-gate-bisecting').map((event) => event.data)).toEqual([expect.objectContaining({ command: 'bash feature.sh', since: built })])
      expect(await git.text(['show', 'colony/main:feature.txt'])).toBe('built')
      expect(await git.text(['show', 'colony/main:n6.txt'])).toBe('ok')
    })
  })
})
