import { existsSync } from 'node:fs'
import { spawn } from 'node:child_process'
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { DatabaseSync } from 'node:sqlite'
import { describe, expect, it, type TestContext } from 'vitest'
import { cliEntry, colony, createTempRepository, git } from './support/cli.ts'

// PERF: each test has its own repository, and mostly waits on CLI and git processes: they run at once.
describe.concurrent('colony CLI', () => {
  /** A throwaway repository, removed when the test ends. */
  async function setUp(onTestFinished: TestContext['onTestFinished']) {
    const repo = await createTempRepository({ 'README.md': '# sample\n', '.gitignore': 'node_modules/\n' })
    onTestFinished(() => repo.dispose())
    return repo
  }

  it('init sets up .colony, hides it through .git/info/exclude, writes colony.json and creates the target from HEAD', async ({ onTestFinished }) => {
    const repo = await setUp(onTestFinished)
    await writeFile(join(repo.root, 'notes.txt'), 'my uncommitted work\n')
    const head = await git(repo.root, ['rev-parse', 'HEAD'])
    const result = await colony(repo.root, ['init'])
    expect(result.stderr).toBe('')
    expect(result.code).toBe(0)
    expect(result.stdout).toContain('target:  colony/main (created from HEAD')
    expect(existsSync(join(repo.root, '.colony', 'colony.db'))).toBe(true)
    expect(await readFile(join(repo.root, '.git', 'info', 'exclude'), 'utf8')).toContain('/.colony/')
    expect(await readFile(join(repo.root, '.gitignore'), 'utf8')).toBe('node_modules/\n')
    expect(JSON.parse(await readFile(join(repo.root, 'colony.json'), 'utf8'))).toMatchObject({ target: 'colony/main' })
    expect(await git(repo.root, ['rev-parse', 'colony/main'])).toBe(head)
    // The user's checked-out branch and uncommitted work are untouched; .colony is not untracked noise.
    expect(await git(repo.root, ['symbolic-ref', '--short', 'HEAD'])).toBe('main')
    expect(await git(repo.root, ['status', '--porcelain'])).toBe('?? colony.json\n?? notes.txt')
    expect((await colony(repo.root, ['init'])).code).toBe(0)
  })

  it('init refuses the checked-out branch as target, and a repository without commits', async ({ onTestFinished }) => {
    const repo = await setUp(onTestFinished)
    const refused = await colony(repo.root, ['init', '--target', 'main'])
    expect(refused.code).toBe(1)
    expect(refused.stderr).toContain(`the target branch main is checked out in ${repo.root}; Colony never moves a branch that is checked out`)
    expect(refused.stderr).toContain('choose another target')
    expect(existsSync(join(repo.root, '.colony'))).toBe(false)

    // Checked out in another worktree of the repository counts the same.
    const elsewhere = join(await mkdtemp(join(tmpdir(), 'colony-elsewhere-')), 'wt')
    await git(repo.root, ['worktree', 'add', '-q', '-b', 'feature', elsewhere])
    const held = await colony(repo.root, ['init', '--target', 'feature'])
    expect(held.code).toBe(1)
    expect(held.stderr).toContain(`the target branch feature is checked out in ${elsewhere}`)
    expect(existsSync(join(repo.root, '.colony'))).toBe(false)
    await git(repo.root, ['worktree', 'remove', elsewhere])
    await rm(join(elsewhere, '..'), { recursive: true, force: true })

    const empty = await mkdtemp(join(tmpdir(), 'colony-empty-'))
    try {
      await git(empty, ['init', '-q'])
      const noCommits = await colony(empty, ['init'])
      expect(noCommits.code).toBe(1)
      expect(noCommits.stderr).toContain('has no commits yet')
      expect(existsSync(join(empty, '.colony'))).toBe(false)
    } finally {
      await rm(empty, { recursive: true, force: true })
    }
  })

  it('run and worker refuse a target a person has checked out, before recording anything', async ({ onTestFinished }) => {
    const repo = await setUp(onTestFinished)
    await colony(repo.root, ['init'])
    const before = (await colony(repo.root, ['events', '--json'])).stdout
    const look = join(await mkdtemp(join(tmpdir(), 'colony-look-')), 'look')
    await git(repo.root, ['worktree', 'add', '-q', look, 'colony/main'])
    try {
      for (const args of [['run', '--goal', 'anything'], ['worker']]) {
        const refused = await colony(repo.root, args)
        expect(refused.code).toBe(1)
        expect(refused.stderr).toContain(`the target branch colony/main is checked out in ${look}`)
        expect(refused.stderr).toContain('fix: check out another branch')
      }
      expect((await colony(repo.root, ['events', '--json'])).stdout).toBe(before)
    } finally {
      await git(repo.root, ['worktree', 'remove', '--force', look])
      await rm(join(look, '..'), { recursive: true, force: true })
    }
  })

  it('outside a git repository, and in a repository never initialized, says so and how to fix it', async ({ onTestFinished }) => {
    const repo = await setUp(onTestFinished)
    const outside = await colony('/', ['status'])
    expect(outside.code).toBe(1)
    expect(outside.stderr).toMatch(/not inside a git repository\n {2}fix: /)
    const uninitialized = await colony(repo.root, ['task', 'list'])
    expect(uninitialized.code).toBe(1)
    expect(uninitialized.stderr).toContain('Colony is not set up in')
    expect(uninitialized.stderr).toContain('fix: run `colony init`')
  })

  it('adds, lists, shows and cancels tasks, with stable JSON', async ({ onTestFinished }) => {
    const repo = await setUp(onTestFinished)
    await colony(repo.root, ['init'])
    const first = await colony(repo.root, ['task', 'add', 'Parse ISO dates', '--accept', 'npm test', '--scope', 'src/date/**', '--description', 'Support 2024-01-02'])
    expect(first).toMatchObject({ code: 0, stdout: '1\n' })
    const second = await colony(repo.root, ['task', 'add', 'Format dates', '--after', '1', '--priority', '2'])
    expect(second.stdout).toBe('2\n')

    const table = await colony(repo.root, ['task', 'list'])
    expect(table.stdout.split('\n')[0]).toMatch(/^ID\s+STATUS\s+KIND\s+PRI\s+TRY\s+AFTER\s+TITLE$/)
    expect(table.stdout).toMatch(/2\s+ready\s+work\s+2\s+1\/3\s+1\s+Format dates/)

    const listed = JSON.parse((await colony(repo.root, ['task', 'list', '--json'])).stdout) as Record<string, unknown>[]
    expect(listed).toHaveLength(2)
    expect(listed[1]).toMatchObject({ id: 1, title: 'Parse ISO dates', acceptance: ['npm test'], scope: ['src/date/**'], status: 'ready', attempt: 1, dependsOn: [] })
    expect(Object.keys(listed[0]!).sort()).toEqual(
      ['acceptance', 'attempt', 'createdAt', 'createdBy', 'dependsOn', 'description', 'id', 'kind', 'leaseUntil', 'maxAttempts', 'owner', 'parentId', 'priority', 'reason', 'result', 'runId', 'scope', 'status', 'title', 'updatedAt', 'version'].sort(),
    )

    expect((await colony(repo.root, ['task', 'cancel', '2', '--reason', 'not needed'])).stdout).toBe('task 2 cancelled\n')
    const shown = JSON.parse((await colony(repo.root, ['task', 'show', '2', '--json'])).stdout) as { task: { status: string; reason: string }; events: { type: string }[] }
    expect(shown.task).toMatchObject({ status: 'cancelled', reason: 'not needed' })
    expect(shown.events.map((event) => event.type)).toEqual(['task-created', 'task-cancelled'])
    expect((await colony(repo.root, ['task', 'list', '--status', 'cancelled', '--json'])).stdout).toContain('"Format dates"')

    const text = await colony(repo.root, ['task', 'show', '1'])
    expect(text.stdout).toContain('task 1: Parse ISO dates')
    expect(text.stdout).toContain('$ npm test')
  })

  it('bad input gets a clear error and changes nothing', async ({ onTestFinished }) => {
    const repo = await setUp(onTestFinished)
    await colony(repo.root, ['init'])
    await colony(repo.root, ['task', 'add', 'only task'])
    const before = (await colony(repo.root, ['events', '--json'])).stdout

    const missing = await colony(repo.root, ['task', 'show', '42'])
    expect(missing).toMatchObject({ code: 1 })
    expect(missing.stderr).toContain('no task with id 42')
    const notAnId = await colony(repo.root, ['task', 'cancel', 'abc'])
    expect(notAnId.stderr).toContain('"abc" is not a task id')
    const badAfter = await colony(repo.root, ['task', 'add', 'dependent', '--after', '99'])
    expect(badAfter.code).toBe(1)
    expect(badAfter.stderr).toContain('no task with id 99')
    const badStatus = await colony(repo.root, ['task', 'list', '--status', 'done'])
    expect(badStatus.stderr).toContain('unknown task status "done"')
    expect(badStatus.stderr).toContain('use one of: proposed')

    // Merge task 1 directly in the database, then try to cancel it.
    const database = new DatabaseSync(join(repo.root, '.colony', 'colony.db'))
    database.exec("update tasks set status = 'merged', version = version + 1 where id = 1")
    database.close()
    const illegal = await colony(repo.root, ['task', 'cancel', '1'])
    expect(illegal.code).toBe(1)
    expect(illegal.stderr).toContain('task 1 is merged; it cannot become cancelled')
    expect(illegal.stderr).toContain('colony revert')

    const after = (await colony(repo.root, ['events', '--json'])).stdout
    expect(after).toBe(before)
    const tasks = JSON.parse((await colony(repo.root, ['task', 'list', '--json'])).stdout) as unknown[]
    expect(tasks).toHaveLength(1)
  })

  it('names the field of a malformed colony.json and changes nothing', async ({ onTestFinished }) => {
    const repo = await setUp(onTestFinished)
    await colony(repo.root, ['init'])
    await writeFile(join(repo.root, 'colony.json'), JSON.stringify({ workers: 'many' }))
    const result = await colony(repo.root, ['task', 'add', 'x'])
    expect(result.code).toBe(1)
    expect(result.stderr).toContain('colony.json')
    expect(result.stderr).toContain('workers')
    await writeFile(join(repo.root, 'colony.json'), '{ "workers": 4, }')
    const syntax = await colony(repo.root, ['status'])
    expect(syntax.code).toBe(1)
    expect(syntax.stderr).toContain('colony.json')
    await writeFile(join(repo.root, 'colony.json'), '{}')
    expect(JSON.parse((await colony(repo.root, ['task', 'list', '--json'])).stdout)).toEqual([])
  })

  it('reports a corrupt database and a locked one, with the fix', async ({ onTestFinished }) => {
    const repo = await setUp(onTestFinished)
    await colony(repo.root, ['init'])
    const path = join(repo.root, '.colony', 'colony.db')
    const holder = new DatabaseSync(path)
    holder.exec('begin exclusive')
    try {
      const locked = await colony(repo.root, ['task', 'add', 'x'], { COLONY_BUSY_TIMEOUT_MS: '200' })
      expect(locked.code).toBe(1)
      expect(locked.stderr).toContain('is locked by another process')
    } finally {
      holder.exec('rollback')
      holder.close()
    }
    await writeFile(path, 'garbage '.repeat(1000))
    const corrupt = await colony(repo.root, ['status'])
    expect(corrupt.code).toBe(1)
    expect(corrupt.stderr).toContain('is damaged or not a Colony database')
    expect(corrupt.stderr).toContain('fix: move it aside')
  })

  it('status and events show what happened, as text and JSON', async ({ onTestFinished }) => {
    const repo = await setUp(onTestFinished)
    await colony(repo.root, ['init'])
    await colony(repo.root, ['task', 'add', 'one'])
    await colony(repo.root, ['task', 'add', 'two'])
    const status = JSON.parse((await colony(repo.root, ['status', '--json'])).stdout) as { run: { target: string }; tasks: Record<string, number>; usage: { costUsd: number } }
    expect(status.run.target).toBe('colony/main')
    expect(status.tasks).toMatchObject({ ready: 2, merged: 0 })
    expect(status.usage.costUsd).toBe(0)
    expect((await colony(repo.root, ['status'])).stdout).toContain('tasks:   ready 2')

    const lines = (await colony(repo.root, ['events', '--json'])).stdout.trim().split('\n').map((line) => JSON.parse(line) as { id: number; type: string; taskId: number | null })
    expect(lines.map((event) => event.type)).toEqual(['run-created', 'task-created', 'task-created'])
    const text = (await colony(repo.root, ['events', '--task', '2'])).stdout
    expect(text).toMatch(/^#3 \S+ \S+ task-created task=2 title=two/)
  })

  it('events --follow prints new events as they are appended by another process', async ({ onTestFinished }) => {
    const repo = await setUp(onTestFinished)
    await colony(repo.root, ['init'])
    const follower = spawn(process.execPath, [cliEntry, 'events', '--follow'], { cwd: repo.root, stdio: ['ignore', 'pipe', 'pipe'] })
    let output = ''
    let errors = ''
    // One listener for the whole life of the follower: output printed between two waits must not be dropped.
    follower.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()))
    follower.stderr.on('data', (chunk: Buffer) => (errors += chunk.toString()))
    const seen = async (text: string) => {
      const deadline = Date.now() + 25_000
      while (!output.includes(text)) {
        if (Date.now() > deadline) throw new Error(`"${text}" not seen in 25 s; stdout: ${output.slice(-1_000)}; stderr: ${errors.slice(-1_000)}`)
        await new Promise((resolve) => setTimeout(resolve, 20))
      }
    }
    try {
      await seen('run-created')
      const added = await colony(repo.root, ['task', 'add', 'appears live'])
      expect(added.code, added.stderr).toBe(0)
      await seen('title="appears live"')
    } finally {
      follower.kill('SIGTERM')
    }
    const code = await new Promise((resolve) => follower.on('close', resolve))
    expect(code).toBe(0)
  })
})
