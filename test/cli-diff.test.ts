import { execFile } from 'node:child_process'
import { existsSync } from 'node:fs'
import { mkdir, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createBoard, type Board } from '../src/board/index.ts'
import { createGit, createWorkspaces, integrate, type Workspaces } from '../src/git/index.ts'
import { openStore, type Store, type Task } from '../src/store/index.ts'
import { promisify } from 'node:util'
import { cliEntry, colony, createTempRepository, git } from './support/cli.ts'
import { expectCleanFailure, repositoryState } from './support/hostile.ts'

interface DiffJson {
  task: number
  status: string
  source: string
  base: string
  head: string | null
  stat: { path: string; added: number | null; removed: number | null; from?: string }[]
  patch?: string
  truncated?: boolean
}

const parse = `export function parse(text: string): number {
  return Number(text)
}
`
const png = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x48, 0x44, 0x52])

/**
 * `colony diff` over real git and a real store: task 1 merged (an edit, a new
 * binary file and a moved file), task 2 gated and awaiting approval (with a
 * terminal escape a model wrote into a file), task 3 held by a worker with
 * its worktree changed but not committed, task 4 failed, task 5 ready, task 6
 * a plan.
 */
describe('colony diff', () => {
  let repo: { root: string; dispose(): Promise<void> }
  let store: Store
  let board: Board
  let workspaces: Workspaces
  const worktreesDir = () => join(repo.root, '.colony', 'worktrees')

  async function attempt(title: string, change: (path: string) => Promise<void>, land: boolean): Promise<{ task: Task; commit: string }> {
    const added = await board.addTask({ runId: 1, title, scope: [], createdBy: 'test' })
    const running = await board.advance((await board.claim({ runId: 1, owner: 'host:1:abc/slot-1' }))!, 'running')
    const workspace = await workspaces.open(added.id)
    await change(workspace.path)
    const integrating = await board.advance(running, 'integrating')
    const outcome = await integrate({ git: workspace.git, target: 'colony/main', task: { id: added.id, title, description: '', scope: [] }, author: { name: 'worker-1', email: 'w@colony.local' }, diffLimit: 1_000, gate: async () => ({ passed: true, output: '' }), land })
    if (outcome.status !== 'merged' && outcome.status !== 'gated') throw new Error(outcome.message)
    if (land) {
      await workspaces.remove(added.id)
      return { task: await board.advance(integrating, 'merged', { result: { commit: outcome.commit } }), commit: outcome.commit }
    }
    // A change waiting for approval keeps its worktree and branch, as a worker leaves them.
    return { task: await board.advance(integrating, 'awaiting_approval', { result: { awaiting: 'merge', candidate: outcome.commit, summary: 'done' } }), commit: outcome.commit }
  }

  let merged: string
  let candidate: string
  let worktreePath: string

  beforeAll(async () => {
    repo = await createTempRepository({ 'README.md': '# sample\n', 'src/parse.ts': 'export function parse(text: string): number {\n  throw new Error(text)\n}\n', 'docs/old.md': '# Notes\n\nKept as they are.\n', '.gitignore': 'node_modules/\n' })
    expect((await colony(repo.root, ['init'])).code).toBe(0)
    store = await openStore(join(repo.root, '.colony', 'colony.db'))
    board = createBoard({ store })
    workspaces = createWorkspaces({ git: createGit(repo.root), root: repo.root, worktreesDir: worktreesDir(), target: 'colony/main' })

    merged = (
      await attempt('Parse numbers', async (path) => {
        await writeFile(join(path, 'src/parse.ts'), parse)
        await mkdir(join(path, 'assets'))
        await writeFile(join(path, 'assets/logo.png'), png)
        await git(path, ['mv', 'docs/old.md', 'docs/notes.md'])
      }, true)
    ).commit
    candidate = (
      await attempt('Document parse', async (path) => {
        await writeFile(join(path, 'README.md'), '# sample\n\nparse(text) reads a number.\nclear: \u001b[2J\n')
      }, false)
    ).commit

    const held = await board.addTask({ runId: 1, title: 'Parse negatives', createdBy: 'test' })
    await board.advance((await board.claim({ runId: 1, owner: 'host:1:abc/slot-2' }))!, 'running')
    const workspace = await workspaces.open(held.id)
    worktreePath = workspace.path
    await writeFile(join(worktreePath, 'src/parse.ts'), parse.replace('Number(text)', 'Number(text.trim())'))
    await writeFile(join(worktreePath, 'src/sign.ts'), 'export const minus = -1\n')
    await mkdir(join(worktreePath, 'node_modules'))
    await writeFile(join(worktreePath, 'node_modules/ignored.js'), 'ignored\n')

    const failing = await board.addTask({ runId: 1, title: 'Parse dates', maxAttempts: 1, createdBy: 'test' })
    await board.failAttempt((await board.claim({ runId: 1, owner: 'host:1:abc/slot-3' }))!, 'the gate failed')
    expect((await store.getTask(failing.id)).status).toBe('failed')
    await board.addTask({ runId: 1, title: 'Parse times', createdBy: 'test' })
    await board.addTask({ runId: 1, title: 'More parsing', kind: 'plan', createdBy: 'test' })
  })

  afterAll(async () => {
    await store.close()
    await repo.dispose()
  })

  it('shows a merged task: the stat, then the patch of its commit on the target, as git shows it', async () => {
    const result = await colony(repo.root, ['diff', '1'])
    expect(result.stderr).toBe('')
    expect(result.code).toBe(0)
    const [headline, ...rest] = result.stdout.split('\n')
    expect(headline).toBe(`task 1 "Parse numbers" merged as ${merged.slice(0, 10)} on colony/main`)
    const output = rest.join('\n')
    expect(output).toContain(
      [' assets/logo.png              | Bin', ' docs/old.md => docs/notes.md |   0', ' src/parse.ts                 |   2 +-', ' 3 files changed, 1 insertion(+), 1 deletion(-)', '', 'diff --git a/assets/logo.png b/assets/logo.png'].join('\n'),
    )
    expect(output).toContain(await git(repo.root, ['diff', '--find-renames', `${merged}^`, merged, '--', 'src/parse.ts']))
    expect(output).toContain('-  throw new Error(text)\n+  return Number(text)')
    expect(output).toContain('rename from docs/old.md')
    expect(output).not.toContain('\u001b[')
  })

  it('shows a change awaiting approval: the gated candidate, which the target does not have', async () => {
    const result = await colony(repo.root, ['diff', '2'])
    expect(result.code, result.stderr).toBe(0)
    const target = await git(repo.root, ['rev-parse', 'colony/main'])
    expect(result.stdout).toContain(`task 2 "Document parse" awaits your approval: its gated change ${candidate.slice(0, 10)} on ${target.slice(0, 10)}`)
    expect(result.stdout).toContain('colony approve 2')
    const stat = await git(repo.root, ['diff', '--stat', target, candidate])
    expect(result.stdout).toContain(`${stat}\n`)
    expect(result.stdout).toContain('+parse(text) reads a number.')
    // What a model wrote into a file cannot clear the person's terminal.
    expect(result.stdout).toContain('+clear: \\x1b[2J')
    expect(result.stdout).not.toContain('\u001b')
    expect(await git(repo.root, ['show', 'colony/main:README.md'])).toBe('# sample')
  })

  // util-linux's `script` gives the command a terminal of its own.
  it.skipIf(!existsSync('/usr/bin/script'))('colours the patch on a terminal, and still shows what a model wrote as escapes', async () => {
    const command = [process.execPath, cliEntry, 'diff', '2'].map((part) => `'${part}'`).join(' ')
    const { stdout } = await promisify(execFile)('/usr/bin/script', ['-qec', command, '/dev/null'], { cwd: repo.root, env: { ...process.env, NO_COLOR: '' } })
    expect(stdout).toContain('\u001b[32m+parse(text) reads a number.\u001b[0m')
    expect(stdout).toContain(' README.md | 3 \u001b[32m+++\u001b[0m')
    expect(stdout).toContain('\u001b[36m@@ -1 +1,4 @@\u001b[0m')
    expect(stdout).toContain('\u001b[32m+clear: \\x1b[2J\u001b[0m')
  })

  it('--json gives base, head, stat and the patch; --stat leaves the patch out', async () => {
    const merge = JSON.parse((await colony(repo.root, ['diff', '1', '--json'])).stdout) as DiffJson
    expect(merge).toMatchObject({ task: 1, status: 'merged', source: 'merged', head: merged, base: await git(repo.root, ['rev-parse', `${merged}^`]), truncated: false })
    expect(merge.stat).toEqual([
      { path: 'assets/logo.png', added: null, removed: null },
      { path: 'docs/notes.md', from: 'docs/old.md', added: 0, removed: 0 },
      { path: 'src/parse.ts', added: 1, removed: 1 },
    ])
    expect(merge.patch).toContain('diff --git a/src/parse.ts b/src/parse.ts')
    expect(merge.patch).toContain('Binary files /dev/null and b/assets/logo.png differ')

    const gated = JSON.parse((await colony(repo.root, ['diff', '2', '--json'])).stdout) as DiffJson
    expect(gated).toMatchObject({ task: 2, status: 'awaiting_approval', source: 'candidate', head: candidate, stat: [{ path: 'README.md', added: 3, removed: 0 }] })
    // The patch is exact: the escape is in the JSON string, escaped as JSON escapes it.
    expect(gated.patch).toBe(`${await git(repo.root, ['diff', gated.base, candidate])}\n`)

    const statOnly = await colony(repo.root, ['diff', '2', '--stat'])
    expect(statOnly.code).toBe(0)
    expect(statOnly.stdout).toContain(' README.md | 3 +++\n 1 file changed, 3 insertions(+)\n')
    expect(statOnly.stdout).not.toContain('diff --git')
    const statJson = JSON.parse((await colony(repo.root, ['diff', '2', '--stat', '--json'])).stdout) as DiffJson
    expect(statJson.stat).toEqual(gated.stat)
    expect(statJson).not.toHaveProperty('patch')
  })

  it("shows a running task's worktree as it is, new files included, ignored ones not, without touching the worker's index", async () => {
    const before = await git(worktreePath, ['status', '--porcelain=v1', '--untracked-files=all'])
    const result = await colony(repo.root, ['diff', '3', '--json'])
    expect(result.code, result.stderr).toBe(0)
    const diff = JSON.parse(result.stdout) as DiffJson
    expect(diff).toMatchObject({ task: 3, status: 'running', source: 'worktree', head: null, base: await git(repo.root, ['rev-parse', 'colony/main']) })
    expect(diff.stat).toEqual([
      { path: 'src/parse.ts', added: 1, removed: 1 },
      { path: 'src/sign.ts', added: 1, removed: 0 },
    ])
    expect(diff.patch).toContain('+  return Number(text.trim())')
    expect(diff.patch).toContain('+export const minus = -1')
    expect(await git(worktreePath, ['status', '--porcelain=v1', '--untracked-files=all'])).toBe(before)
    expect(await git(worktreePath, ['diff', '--cached', '--name-only'])).toBe('')
    const text = await colony(repo.root, ['diff', '3'])
    expect(text.stdout.split('\n')[0]).toMatch(/^task 3 "Parse negatives" is running: its worktree as it is now, against [0-9a-f]{10} \(not gated yet\)$/)
  })

  it('shows an approved change waiting for its lander as the candidate, not as the worktree its worker left', async () => {
    expect((await colony(repo.root, ['approve', '2'])).code).toBe(0)
    expect(await store.getTask(2)).toMatchObject({ status: 'integrating', owner: null })
    const result = await colony(repo.root, ['diff', '2', '--json'])
    expect(result.code, result.stderr).toBe(0)
    expect(JSON.parse(result.stdout)).toMatchObject({ status: 'integrating', source: 'candidate', head: candidate })
    expect((await colony(repo.root, ['diff', '2'])).stdout).toContain(`task 2 "Document parse" is integrating: its approved change ${candidate.slice(0, 10)}`)
  })

  it('says what state a task without a change is in, and changes nothing', async () => {
    const before = repositoryState(repo.root)
    expectCleanFailure(await colony(repo.root, ['diff', '4']), { code: 1, mentions: ['task 4 is failed: none of its attempts landed a change', 'fix: what each attempt\'s gate said is in its history: `colony task show 4`'] })
    expectCleanFailure(await colony(repo.root, ['diff', '5']), { code: 1, mentions: ['task 5 is ready: no worker has taken it yet, so there is no change'] })
    expectCleanFailure(await colony(repo.root, ['diff', '6', '--json']), { code: 1, mentions: ['task 6 is ready: a plan task changes no files'] })
    expectCleanFailure(await colony(repo.root, ['diff', '99']), { code: 1, mentions: ['no task with id 99', 'colony task list'] })
    expectCleanFailure(await colony(repo.root, ['diff', 'two']), { code: 2, mentions: ['"two" is not a task id'] })
    expectCleanFailure(await colony(repo.root, ['diff']), { code: 2, mentions: ["missing required argument 'task'"] })
    expect(repositoryState(repo.root)).toBe(before)
  })
})
