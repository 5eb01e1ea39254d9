import { createHash } from 'node:crypto'
import { readdir, readFile, rm, writeFile, mkdtemp } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join, relative } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import type { Script, ScriptedReply } from '../src/model/scripted/index.ts'
import { colony, git } from './support/cli.ts'
import { createRunFixture, startColonyRun, type RunFixture } from './support/run-fixture.ts'

/**
 * The planner plans five tasks: slugify works; wordCount can never pass its
 * gate (it fails for good); truncate depends on wordCount and titleCase on
 * truncate (both must end blocked, not wait forever); "Read the spec slowly"
 * reads until a person cancels it.
 */
const script: Script = (request) => {
  const call = (name: string, input: unknown, delayMs = 200): ScriptedReply => ({ toolCalls: [{ name, input }], usage: { input: 1_000, output: 100 }, delayMs })
  const body = JSON.stringify(request.body)
  if (request.purpose === 'summary') return { text: 'summary' }
  if (request.role === 'planner') {
    if (!body.includes('This is turn 1 on this plan') || request.turn > 1) return call('finish', { summary: 'waiting' })
    const task = (title: string, file: string, acceptance: string, extra: Record<string, unknown> = {}) => ({ title, description: title, acceptance: [acceptance], scope: [file], ...extra })
    return call('create_tasks', {
      tasks: [
        task('Implement slugify', 'src/slugify.ts', 'node --test test/slugify.test.ts'),
        task('Implement wordCount', 'src/word-count.ts', 'node -e "process.exit(1)"'),
        task('Add truncate', 'src/truncate.ts', 'test -s src/truncate.ts', { depends_on: ['Implement wordCount'] }),
        task('Add titleCase', 'src/title-case.ts', 'test -s src/title-case.ts', { depends_on: ['Add truncate'] }),
        task('Read the spec slowly', 'NOTES.md', 'true'),
      ],
    })
  }
  if (request.role === 'judge') return call('verdict', { decision: 'done', reason: 'what can be done is done' })
  if (body.includes('Title: Read the spec slowly')) return call('read_file', { path: 'SPEC.md', start_line: request.turn }, 300)
  if (body.includes('Title: Implement wordCount')) {
    return request.turn === 1 ? call('write_file', { path: 'src/word-count.ts', content: 'export const wordCount = (text: string) => text.length\n' }) : call('finish', { summary: 'done' })
  }
  const slugify = "export function slugify(text: string): string {\n  return text.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '')\n}\n"
  return request.turn === 1 ? call('write_file', { path: 'src/slugify.ts', content: slugify }, 600) : call('finish', { summary: 'slugify done' })
}

/** Every byte of the person's side of the repository: HEAD, index, stash, refs of their branch, and their working tree. */
async function personState(root: string): Promise<Record<string, string>> {
  const hash = (data: Buffer | string) => createHash('sha256').update(data).digest('hex')
  const state: Record<string, string> = {}
  for (const file of ['HEAD', 'index', 'refs/heads/main', 'refs/stash', 'logs/refs/stash']) state[`.git/${file}`] = hash(await readFile(join(root, '.git', file)))
  const walk = async (directory: string): Promise<void> => {
    for (const entry of await readdir(directory, { withFileTypes: true })) {
      const path = join(directory, entry.name)
      if (entry.name === '.git' || entry.name === '.colony') continue
      if (entry.isDirectory()) await walk(path)
      else state[relative(root, path)] = hash(await readFile(path))
    }
  }
  await walk(root)
  return state
}

describe('a run with crashes, cancels, failures and a person who checks out the target', () => {
  const fixtures: RunFixture[] = []
  afterEach(async () => {
    for (const fixture of fixtures.splice(0)) await fixture.dispose()
  })

  it('leaves no Colony worktree or task branch, the person\'s repository byte-identical, and no task waiting forever', async () => {
    const fixture = await createRunFixture(script, { checks: { fast: [], full: ['node --test test/slugify.test.ts'] }, limits: { attemptMinutes: 5, leaseSeconds: 6, maxAttempts: 2 } })
    fixtures.push(fixture)
    const { root } = fixture
    // The person's work in progress: a stash, a staged change, an unstaged one and an untracked file.
    await writeFile(join(root, 'SPEC.md'), 'stashed edit\n')
    await git(root, ['stash', 'push', '-q', '-m', 'person stash'])
    await writeFile(join(root, 'src/index.ts'), '// staged by the person\n')
    await git(root, ['add', 'src/index.ts'])
    await writeFile(join(root, 'src/index.ts'), '// staged, then edited again\n')
    await writeFile(join(root, 'scratch.txt'), 'untracked\n')
    const before = await personState(root)

    const first = startColonyRun(root, ['--goal', 'Implement textkit.'])
    await fixture.waitFor('the slow task to run', async (store) => (await store.listTasks()).some((task) => task.title === 'Read the spec slowly' && task.status === 'running'), { context: first.output })
    first.child.kill('SIGKILL')
    await first.exited

    const second = startColonyRun(root, [])
    const slow = await fixture.waitFor('the slow task to run again', async (store) => {
      const task = (await store.listTasks()).find((candidate) => candidate.title === 'Read the spec slowly' && candidate.status === 'running')
      // Claimed a second time: by the resumed run, not still marked running by the killed one.
      return task && (await store.listEvents({ taskId: task.id, types: ['task-claimed'] })).length >= 2 ? task : undefined
    }, { context: second.output })

    // The person checks the target out to look at it: the run pauses instead of moving it under them.
    const look = join(await mkdtemp(join(tmpdir(), 'colony-look-')), 'look')
    await git(root, ['worktree', 'add', '-q', look, 'colony/main'])
    await fixture.waitFor('the run to pause', async (store) => (await store.latestRun())?.status === 'paused', { context: second.output })
    const pausedAt = await git(root, ['rev-parse', 'colony/main'])
    await git(root, ['worktree', 'remove', look])
    await fixture.waitFor('the run to resume', async (store) => (await store.latestRun())?.status === 'running', { context: second.output })

    const cancelled = await colony(root, ['cancel', String(slow.id), '--reason', 'not needed'])
    expect(cancelled.code, cancelled.stderr).toBe(0)
    expect(await second.exited, second.output()).toBe(0)

    const board = Object.fromEntries((await fixture.withStore((store) => store.listTasks())).filter((task) => task.kind === 'work').map((task) => [task.title, task.status]))
    expect(board).toEqual({ 'Implement slugify': 'merged', 'Implement wordCount': 'failed', 'Add truncate': 'blocked', 'Add titleCase': 'blocked', 'Read the spec slowly': 'cancelled' })
    const paused = await fixture.withStore((store) => store.listEvents({ types: ['run-paused'] }))
    expect(paused[0]?.data).toMatchObject({ actor: 'colony', reason: expect.stringContaining('is checked out in') as unknown })
    expect(await git(root, ['log', '--format=%H', `${pausedAt}..colony/main`, '--', 'NOTES.md'])).toBe('')

    expect(await git(root, ['worktree', 'list', '--porcelain'])).toBe(`worktree ${root}\nHEAD ${await git(root, ['rev-parse', 'HEAD'])}\nbranch refs/heads/main`)
    expect(await git(root, ['branch', '--list', 'colony/task/*'])).toBe('')
    expect(await readdir(join(root, '.colony', 'worktrees')).catch(() => [])).toEqual([])
    expect(await personState(root)).toEqual(before)
    await rm(join(look, '..'), { recursive: true, force: true })
  }, 180_000)
})
