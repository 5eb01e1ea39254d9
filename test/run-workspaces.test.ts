import { execFile } from 'node:child_process'
import { existsSync, readdirSync } from 'node:fs'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { describe, expect, it } from 'vitest'
import { demoGoal, demoScript } from '../src/demo/index.ts'
import { cliEntry, colony, git } from './support/cli.ts'
import { createRunFixture, userTreeSnapshot } from './support/run-fixture.ts'

const execFileAsync = promisify(execFile)

type RunEvent = { type: string; taskId: number | null; data: Record<string, unknown> }

async function events(root: string): Promise<RunEvent[]> {
  const lines = (await colony(root, ['events', '--json'])).stdout.split('\n').filter(Boolean)
  return lines.map((line) => JSON.parse(line) as RunEvent)
}

/** What a run may leave on disk of its workspaces: nothing under layers, bases and worktrees, no task branch, no registered worktree but the person's. */
async function leftovers(root: string): Promise<string[]> {
  const found: string[] = []
  for (const directory of ['layers', 'bases', 'worktrees']) {
    const path = join(root, '.colony', directory)
    if (existsSync(path)) found.push(...readdirSync(path).map((name) => `.colony/${directory}/${name}`))
  }
  found.push(...(await git(root, ['for-each-ref', '--format=%(refname)', 'refs/heads/colony/task/'])).split('\n').filter(Boolean))
  found.push(...(await git(root, ['worktree', 'list', '--porcelain'])).split('\n').filter((line) => line.startsWith('worktree ') && line !== `worktree ${root}`))
  return found
}

/**
 * Runs colony where the kernel refuses to make user namespaces, as on hosts
 * that turn them off (user.max_user_namespaces=0, Ubuntu's AppArmor rule,
 * Docker's seccomp profile): inside bubblewrap with --disable-userns.
 */
function colonyWithoutUserNamespaces(root: string, args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const bwrap = ['--dev-bind', '/', '/', '--unshare-user', '--disable-userns', '--die-with-parent', '--']
  return execFileAsync('bwrap', [...bwrap, process.execPath, cliEntry, ...args], { cwd: root, env: { ...process.env, NO_COLOR: '1' }, maxBuffer: 32 * 1024 * 1024 }).then(
    ({ stdout, stderr }) => ({ code: 0, stdout, stderr }),
    (error: { code?: number; stdout?: string; stderr?: string }) => ({ code: typeof error.code === 'number' ? error.code : 1, stdout: error.stdout ?? '', stderr: error.stderr ?? '' }),
  )
}

// PERF: each test has its own repository and run, and a run mostly waits on its scripted model and gates: they run at once.
describe.concurrent('agent workspaces: overlays, and git worktrees where overlays cannot be made', () => {
  it('runs on overlay workspaces by default: says so, every task merges once, the target passes, nothing is left', async ({ onTestFinished }) => {
    const fixture = await createRunFixture(demoScript, { scheduling: { allowOverlap: true } })
    onTestFinished(() => fixture.dispose())
    const before = await userTreeSnapshot(fixture.root)
    const status = JSON.parse((await colony(fixture.root, ['sandbox', 'status', '--json'])).stdout) as { workspaces: { kind: string } }
    expect(status.workspaces).toEqual({ kind: 'overlay' })
    const startTip = await git(fixture.root, ['rev-parse', 'colony/main'])

    const run = await colony(fixture.root, ['run', '--goal', demoGoal])
    expect(run.code, run.stderr + run.stdout).toBe(0)
    expect(run.stdout).toContain('4 of 4 work tasks merged')
    const seen = await events(fixture.root)
    expect(seen.find((event) => event.type === 'run-configured')?.data.workspaces).toEqual({ kind: 'overlay' })
    const opened = seen.filter((event) => event.type === 'workspace-opened')
    expect(opened.length).toBeGreaterThanOrEqual(4)
    expect(opened.every((event) => event.data.kind === 'overlay' && typeof event.data.waitedMs === 'number')).toBe(true)
    // The shared checkout of the target's tip is made at the run's start, not by the first workspace asked for.
    expect(seen.filter((event) => event.type === 'workspace-base-ready').map((event) => event.data.commit)).toContain(startTip.trim())
    const log = JSON.parse((await colony(fixture.root, ['log', '--json'])).stdout) as { taskId: number | null }[]
    expect(log.map((commit) => commit.taskId).filter((id) => id !== null).sort()).toEqual([2, 3, 5, 6])
    expect(await fixture.targetTestsPass()).toBe(true)
    expect(await leftovers(fixture.root)).toEqual([])
    expect(await userTreeSnapshot(fixture.root)).toBe(before)
  }, 120_000)

  it('falls back to git worktrees where user namespaces are refused, reports why, and the run is as correct', async ({ onTestFinished }) => {
    const fixture = await createRunFixture(demoScript, { scheduling: { allowOverlap: true }, sandbox: { mode: 'host' } })
    onTestFinished(() => fixture.dispose())
    const before = await userTreeSnapshot(fixture.root)
    const status = await colonyWithoutUserNamespaces(fixture.root, ['sandbox', 'status'])
    expect(status.code, status.stderr).toBe(0)
    expect(status.stdout).toMatch(/workspaces: git worktrees \(user namespaces are not allowed here \(unshare: .+\)\)/)

    const run = await colonyWithoutUserNamespaces(fixture.root, ['run', '--goal', demoGoal])
    expect(run.code, run.stderr + run.stdout).toBe(0)
    expect(run.stdout).toContain('4 of 4 work tasks merged')
    const seen = await events(fixture.root)
    const configured = seen.find((event) => event.type === 'run-configured')?.data.workspaces as { kind: string; reason: string }
    expect(configured.kind).toBe('worktree')
    expect(configured.reason).toContain('user namespaces are not allowed here')
    expect(seen.filter((event) => event.type === 'workspace-opened').every((event) => event.data.kind === 'worktree')).toBe(true)
    const log = JSON.parse((await colony(fixture.root, ['log', '--json'])).stdout) as { taskId: number | null }[]
    expect(log.map((commit) => commit.taskId).filter((id) => id !== null).sort()).toEqual([2, 3, 5, 6])
    expect(await fixture.targetTestsPass()).toBe(true)
    expect(existsSync(join(fixture.root, '.colony', 'bases'))).toBe(false)
    expect(await leftovers(fixture.root)).toEqual([])
    expect(await userTreeSnapshot(fixture.root)).toBe(before)
  }, 180_000)

  it('refuses colony.json\'s workspace.kind "overlay" where overlays cannot be made, and says "worktree" when asked', async ({ onTestFinished }) => {
    const fixture = await createRunFixture(demoScript, { sandbox: { mode: 'host' }, workspace: { kind: 'overlay' } })
    onTestFinished(() => fixture.dispose())
    const refused = await colonyWithoutUserNamespaces(fixture.root, ['run', '--goal', demoGoal])
    expect(refused.code).toBe(1)
    expect(refused.stderr).toContain('colony.json asks for overlay workspaces, which cannot be made here: user namespaces are not allowed here')
    expect(refused.stderr).toContain('"kind": "auto"')

    await colony(fixture.root, ['init'])
    const config = JSON.parse((await execFileAsync('cat', [join(fixture.root, 'colony.json')])).stdout) as Record<string, unknown>
    config.workspace = { kind: 'worktree' }
    await execFileAsync('sh', ['-c', `printf '%s' '${JSON.stringify(config)}' > colony.json`], { cwd: fixture.root })
    const status = await colony(fixture.root, ['sandbox', 'status'])
    expect(status.stdout).toContain('workspaces: git worktrees (colony.json sets workspace.kind to "worktree")')
    config.workspace = { kind: 'auto' }
    await execFileAsync('sh', ['-c', `printf '%s' '${JSON.stringify(config)}' > colony.json`], { cwd: fixture.root })
    expect((await colony(fixture.root, ['sandbox', 'status'], { COLONY_WORKSPACES: 'worktree' })).stdout).toContain('workspaces: git worktrees (COLONY_WORKSPACES=worktree)')
    expect((await colony(fixture.root, ['sandbox', 'status'])).stdout).toContain('workspaces: overlays over one shared checkout per target commit')
  }, 60_000)
})
