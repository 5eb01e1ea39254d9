import { existsSync } from 'node:fs'
import { chmod, mkdir, readFile, rm, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { describe, expect, it, type TestContext } from 'vitest'
import { colony, createTempRepository, git } from './support/cli.ts'
import { landTask, recordGoalAndVerdict } from './support/landed-task.ts'

/** The person's side of the repository: their branch, its commit, the index, the working tree (every file's bytes), and whether a merge is under way. */
async function personState(root: string, files: string[]): Promise<string> {
  const contents = await Promise.all(files.map(async (file) => (existsSync(join(root, file)) ? (await readFile(join(root, file))).toString('base64') : 'absent')))
  return [
    await git(root, ['symbolic-ref', '-q', 'HEAD']).catch(() => 'detached'),
    await git(root, ['rev-parse', 'HEAD']),
    await git(root, ['ls-files', '--stage']),
    await git(root, ['status', '--porcelain=v1', '--untracked-files=all']),
    existsSync(join(root, '.git', 'MERGE_HEAD')) ? 'merging' : 'no merge',
    ...contents,
  ].join('\n---\n')
}

// PERF: each test has its own repository, and mostly waits on CLI and git processes: they run at once.
describe.concurrent('colony adopt: the target into the branch the person has checked out', () => {
  const files = ['README.md', 'src/a.ts', 'src/b.ts', 'notes.md']

  /** A repository with Colony set up and a person's name for commits, removed when the test ends. */
  async function setUp(onTestFinished: TestContext['onTestFinished']) {
    const repo = await createTempRepository({ 'README.md': '# sample\n', 'src/a.ts': 'export const a = 1\n' })
    onTestFinished(() => repo.dispose())
    await git(repo.root, ['config', 'user.name', 'Person'])
    await git(repo.root, ['config', 'user.email', 'person@example.com'])
    expect((await colony(repo.root, ['init'])).code).toBe(0)
    return repo
  }

  it('fast-forwards a branch that has nothing of its own, and says from which commit to which', async ({ onTestFinished }) => {
    const repo = await setUp(onTestFinished)
    const before = await git(repo.root, ['rev-parse', 'main'])
    const first = await landTask(repo.root, { title: 'Bump a', files: { 'src/a.ts': 'export const a = 2\n' } })
    const second = await landTask(repo.root, { title: 'Add b', files: { 'src/b.ts': 'export const b = 1\n' } })

    const adopted = await colony(repo.root, ['adopt'])
    expect(adopted.stderr).toBe('')
    expect(adopted.code).toBe(0)
    expect(adopted.stdout).toContain(`fast-forwarded main from ${before.slice(0, 12)} to ${second.commit.slice(0, 12)} (colony/main), bringing in 2 tasks:`)
    expect(adopted.stdout).toMatch(new RegExp(`task 1 {2}${first.commit.slice(0, 12)} {2}Bump a\\n {2}task 2 {2}${second.commit.slice(0, 12)} {2}Add b`))
    expect(await git(repo.root, ['rev-parse', 'HEAD'])).toBe(second.commit)
    expect(await git(repo.root, ['symbolic-ref', 'HEAD'])).toBe('refs/heads/main')
    expect(await readFile(join(repo.root, 'src/a.ts'), 'utf8')).toBe('export const a = 2\n')
    expect(await readFile(join(repo.root, 'src/b.ts'), 'utf8')).toBe('export const b = 1\n')
    expect(await git(repo.root, ['status', '--porcelain'])).toBe('?? colony.json')

    const again = JSON.parse((await colony(repo.root, ['adopt', '--json'])).stdout) as Record<string, unknown>
    expect(again).toEqual({ action: 'up-to-date', branch: 'main', target: 'colony/main', tip: second.commit, from: second.commit, head: second.commit, mergeCommit: null, tasks: [] })
  })

  it("makes a merge commit naming the goal and the tasks when the person committed meanwhile, and the person's commit hooks run", async ({ onTestFinished }) => {
    const repo = await setUp(onTestFinished)
    const landed = await landTask(repo.root, { title: 'Bump a', files: { 'src/a.ts': 'export const a = 2\n' } })
    await recordGoalAndVerdict(repo.root, 'Make a bigger\n\nIt should be 2.', { decision: 'done', reason: 'a is 2' })
    await writeFile(join(repo.root, 'notes.md'), 'my notes\n')
    await git(repo.root, ['add', 'notes.md'])
    await git(repo.root, ['commit', '-q', '-m', 'My notes'])
    const mine = await git(repo.root, ['rev-parse', 'HEAD'])
    // The person's hook sees the merge commit's message; Colony's own git commands run no hooks, the person's branch does.
    const hook = join(repo.root, '.git', 'hooks', 'commit-msg')
    await writeFile(hook, '#!/bin/sh\ncp "$1" "$(git rev-parse --git-dir)/hooked-message"\n')
    await chmod(hook, 0o755)

    const adopted = await colony(repo.root, ['adopt', '--json'])
    expect(adopted.code, adopted.stderr).toBe(0)
    const report = JSON.parse(adopted.stdout) as { action: string; mergeCommit: string; from: string; head: string; tasks: unknown[] }
    expect(report).toMatchObject({ action: 'merge', from: mine, tip: landed.commit, tasks: [{ id: 1, title: 'Bump a', commit: landed.commit }] })
    expect(report.head).toBe(report.mergeCommit)
    expect(await git(repo.root, ['rev-parse', 'HEAD'])).toBe(report.mergeCommit)
    expect(await git(repo.root, ['log', '-1', '--format=%P'])).toBe(`${mine} ${landed.commit}`)
    expect(await git(repo.root, ['log', '-1', '--format=%an'])).toBe('Person')
    const message = await git(repo.root, ['log', '-1', '--format=%B'])
    expect(message).toBe(`Merge colony/main: Make a bigger\n\nRun 1: Make a bigger\n\nIt should be 2.\n\nTasks merged:\n- 1: Bump a (${landed.commit.slice(0, 12)})`)
    expect(await readFile(join(repo.root, '.git', 'hooked-message'), 'utf8')).toContain('Merge colony/main: Make a bigger')
    expect(await readFile(join(repo.root, 'src/a.ts'), 'utf8')).toBe('export const a = 2\n')
    expect(await readFile(join(repo.root, 'notes.md'), 'utf8')).toBe('my notes\n')
    expect(await git(repo.root, ['status', '--porcelain'])).toBe('?? colony.json')
  })

  it('refuses over uncommitted changes, naming each file and how to go on, and moves nothing', async ({ onTestFinished }) => {
    const repo = await setUp(onTestFinished)
    await landTask(repo.root, { title: 'Add b', files: { 'src/b.ts': 'export const b = 1\n' } })
    await writeFile(join(repo.root, 'README.md'), '# sample\n\nhalf-written paragraph')
    await writeFile(join(repo.root, 'src/a.ts'), 'export const a = 10\n')
    await git(repo.root, ['add', 'src/a.ts'])
    const before = await personState(repo.root, files)

    for (const args of [['adopt'], ['adopt', '--no-commit']]) {
      const refused = await colony(repo.root, args)
      expect(refused.code).toBe(1)
      expect(refused.stderr).toContain('colony: main has uncommitted changes: README.md (modified), src/a.ts (staged); colony adopt never merges over them')
      expect(refused.stderr).toContain('fix: commit them (`git commit -am "..."`), or put them aside (`git stash`')
      expect(await personState(repo.root, files)).toBe(before)
    }
  })

  it('refuses a conflict before touching anything: nothing merged, the tree as it was, what to do by hand', async ({ onTestFinished }) => {
    const repo = await setUp(onTestFinished)
    await landTask(repo.root, { title: 'Bump a', files: { 'src/a.ts': 'export const a = 2\n' } })
    await writeFile(join(repo.root, 'src/a.ts'), 'export const a = 3\n')
    await git(repo.root, ['commit', '-q', '-am', 'Mine is 3'])
    const before = await personState(repo.root, files)

    const refused = await colony(repo.root, ['adopt'])
    expect(refused.code).toBe(1)
    expect(refused.stderr).toContain('colony: colony/main conflicts with main in src/a.ts; nothing was merged, main is as it was')
    expect(refused.stderr).toContain('fix: merge it by hand and resolve the conflicts: `git merge colony/main`')
    expect(await personState(repo.root, files)).toBe(before)
    expect(await readFile(join(repo.root, 'src/a.ts'), 'utf8')).toBe('export const a = 3\n')
  })

  it('aborts a merge a commit hook refuses, leaving the branch exactly as it was, with what git said', async ({ onTestFinished }) => {
    const repo = await setUp(onTestFinished)
    await landTask(repo.root, { title: 'Add b', files: { 'src/b.ts': 'export const b = 1\n' } })
    await git(repo.root, ['commit', '-q', '--allow-empty', '-m', 'Mine'])
    const hook = join(repo.root, '.git', 'hooks', 'pre-merge-commit')
    await writeFile(hook, '#!/bin/sh\necho "no merges on Fridays" >&2\nexit 1\n')
    await chmod(hook, 0o755)
    const before = await personState(repo.root, files)

    const refused = await colony(repo.root, ['adopt'])
    expect(refused.code).toBe(1)
    expect(refused.stderr).toContain('git could not merge colony/main into main; the merge was aborted and main is as it was')
    expect(refused.stderr).toContain('no merges on Fridays')
    expect(await personState(repo.root, files)).toBe(before)
  })

  it('refuses to run hooks an agent wrote: the target changes the hooks directory the working tree holds (husky style)', async ({ onTestFinished }) => {
    const repo = await setUp(onTestFinished)
    await mkdir(join(repo.root, '.githooks'))
    await writeFile(join(repo.root, '.githooks', 'commit-msg'), '#!/bin/sh\nexit 0\n')
    await chmod(join(repo.root, '.githooks', 'commit-msg'), 0o755)
    await git(repo.root, ['add', '.githooks'])
    await git(repo.root, ['commit', '-q', '-m', 'Hooks'])
    await git(repo.root, ['config', 'core.hooksPath', '.githooks'])
    // Without the check, merging would run this post-merge hook from the merged tree.
    await landTask(repo.root, { title: 'Add a hook', files: { '.githooks/post-merge': '#!/bin/sh\ntouch "$(git rev-parse --git-dir)/agent-hook-ran"\n' } })
    const before = await personState(repo.root, [...files, '.githooks/commit-msg', '.githooks/post-merge'])

    const refused = await colony(repo.root, ['adopt'])
    expect(refused.code).toBe(1)
    expect(refused.stderr).toContain("colony: colony/main changes this repository's git hooks (core.hooksPath .githooks): .githooks/post-merge; colony adopt does not run hooks an agent wrote")
    expect(refused.stderr).toContain('fix: review the change first (`git diff HEAD...colony/main -- .githooks`), then merge by hand: `git merge colony/main`')
    expect(await personState(repo.root, [...files, '.githooks/commit-msg', '.githooks/post-merge'])).toBe(before)
    expect(existsSync(join(repo.root, '.git', 'agent-hook-ran'))).toBe(false)
  })

  it('refuses a detached HEAD and the target checked out, and --ff-only on a branch with commits of its own', async ({ onTestFinished }) => {
    const repo = await setUp(onTestFinished)
    await landTask(repo.root, { title: 'Add b', files: { 'src/b.ts': 'export const b = 1\n' } })
    await git(repo.root, ['switch', '-q', '--detach', 'main'])
    let before = await personState(repo.root, files)
    const detached = await colony(repo.root, ['adopt'])
    expect(detached.code).toBe(1)
    expect(detached.stderr).toContain(`colony: HEAD is detached in ${repo.root}: there is no branch to bring colony/main into`)
    expect(detached.stderr).toContain('fix: switch to the branch that should get the work')
    expect(await personState(repo.root, files)).toBe(before)

    await git(repo.root, ['switch', '-q', 'colony/main'])
    const onTarget = await colony(repo.root, ['adopt'])
    expect(onTarget.code).toBe(1)
    expect(onTarget.stderr).toContain('the target branch colony/main itself is checked out')

    await git(repo.root, ['switch', '-q', 'main'])
    await git(repo.root, ['commit', '-q', '--allow-empty', '-m', 'Mine'])
    before = await personState(repo.root, files)
    const notFastForward = await colony(repo.root, ['adopt', '--ff-only'])
    expect(notFastForward.code).toBe(1)
    expect(notFastForward.stderr).toContain('main cannot fast-forward to colony/main: it has 1 commit that colony/main does not')
    expect(notFastForward.stderr).toContain('without --ff-only')
    expect(await personState(repo.root, files)).toBe(before)
  })

  it('--no-commit merges into the index and working tree and leaves the commit, with the message prepared, to the person', async ({ onTestFinished }) => {
    const repo = await setUp(onTestFinished)
    await landTask(repo.root, { title: 'Add b', files: { 'src/b.ts': 'export const b = 1\n' } })
    const head = await git(repo.root, ['rev-parse', 'HEAD'])
    const staged = await colony(repo.root, ['adopt', '--no-commit'])
    expect(staged.code, staged.stderr).toBe(0)
    expect(staged.stdout).toContain("into main's index and working tree, not committed")
    expect(await git(repo.root, ['rev-parse', 'HEAD'])).toBe(head)
    expect(await git(repo.root, ['diff', '--cached', '--name-only'])).toBe('src/b.ts')
    expect(await readFile(join(repo.root, '.git', 'MERGE_MSG'), 'utf8')).toContain('- 1: Add b (')
    await git(repo.root, ['commit', '-q', '--no-edit'])
    expect((await git(repo.root, ['log', '-1', '--format=%P'])).split(' ')).toHaveLength(2)
  })

  it('fetches the target from the remote colony.json names before adopting it', async ({ onTestFinished }) => {
    const repo = await setUp(onTestFinished)
    const remote = `${repo.root}-remote.git`
    const other = `${repo.root}-other`
    await git(repo.root, ['init', '-q', '--bare', remote])
    await git(repo.root, ['remote', 'add', 'origin', remote])
    await git(repo.root, ['push', '-q', 'origin', 'main', 'colony/main'])
    const config = JSON.parse(await readFile(join(repo.root, 'colony.json'), 'utf8')) as Record<string, unknown>
    await writeFile(join(repo.root, 'colony.json'), JSON.stringify({ ...config, remote: 'origin' }))
    try {
      // Another clone lands work on the remote's target; this clone has not seen it.
      await git(repo.root, ['clone', '-q', '--branch', 'colony/main', remote, other])
      await writeFile(join(other, 'src/b.ts'), 'export const b = 1\n')
      await git(other, ['add', 'src/b.ts'])
      await git(other, ['commit', '-q', '-m', 'Add b\n\nColony-Task: 7'])
      await git(other, ['push', '-q', 'origin', 'colony/main'])
      const landed = await git(other, ['rev-parse', 'HEAD'])

      const adopted = await colony(repo.root, ['adopt', '--json'])
      expect(adopted.code, adopted.stderr).toBe(0)
      expect(JSON.parse(adopted.stdout)).toMatchObject({ action: 'fast-forward', head: landed, tasks: [{ id: 7, title: 'Add b', commit: landed }] })
      expect(await readFile(join(repo.root, 'src/b.ts'), 'utf8')).toBe('export const b = 1\n')
    } finally {
      await rm(remote, { recursive: true, force: true })
      await rm(other, { recursive: true, force: true })
    }
  })
})
