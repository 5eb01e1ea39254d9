import { execFile } from 'node:child_process'
import { promisify } from 'node:util'
import { afterEach, describe, expect, it } from 'vitest'
import { demoGoal, demoScript } from '../../src/demo/index.ts'
import type { Script } from '../../src/model/scripted/index.ts'
import { colony, git } from '../support/cli.ts'
import { createRunFixture, startColony, type RunFixture } from '../support/run-fixture.ts'

const execFileAsync = promisify(execFile)
const key = { SCRIPTED_ANTHROPIC_KEY: 'sk-ant-scripted-0123456789' }

/** The task whose Claude Code runs the long command (its command line names the file it would write), once one does. */
async function taskInLongCommand(seconds: number): Promise<number | undefined> {
  const line = (await processesRunning(`${seconds}000)`)).find((args) => /late-\d+\.txt/.test(args))
  return line ? Number(/late-(\d+)\.txt/.exec(line)![1]) : undefined
}

/** Processes whose command line holds `pattern` (a wait only Claude Code's Bash tool starts). */
async function processesRunning(pattern: string): Promise<string[]> {
  const { stdout } = await execFileAsync('ps', ['-eo', 'pid,args'])
  return stdout.split('\n').filter((line) => line.includes(pattern) && !line.includes('ps -eo'))
}

async function waitUntil<T>(what: string, check: () => Promise<T | undefined | false>, timeoutMs = 90_000): Promise<T> {
  const started = Date.now()
  while (Date.now() - started < timeoutMs) {
    const value = await check()
    if (value) return value
    await new Promise((resolve) => setTimeout(resolve, 200))
  }
  throw new Error(`timed out waiting for ${what}`)
}

/** Every worker's Claude Code runs a long command in its Bash tool (Claude Code refuses a plain long sleep), then writes a file: a turn that only a limit ends. */
function longTurn(seconds: number, usage = { input: 1_000, output: 50 }): Script {
  return (request) => {
    if (request.role !== 'worker') return demoScript(request)
    if (request.turn === 1) return { text: 'Running the long check.', toolCalls: [{ name: 'Bash', input: { command: `node -e "setTimeout(() => {}, ${seconds}000)" && echo late > late-${request.task}.txt`, description: 'long check', timeout: 600_000 } }], usage }
    return { text: 'Done.' }
  }
}

function cliConfig(extra: Record<string, unknown> = {}) {
  return (url: string) => ({
    providers: { scripted: { type: 'openai-compatible', baseURL: url }, claude: { type: 'anthropic', baseURL: url, apiKey: 'env:SCRIPTED_ANTHROPIC_KEY' } },
    agents: { worker: { cli: 'claude-code', model: 'claude:claude-scripted' } },
    prices: { 'scripted:agent': { input: 3, output: 15 }, 'claude:claude-scripted': { input: 3, output: 15 } },
    workers: 2,
    ...extra,
  })
}

describe('limits stop an agent CLI mid-turn', () => {
  let fixture: RunFixture | undefined
  afterEach(async () => fixture?.dispose())

  async function nothingLanded(root: string) {
    const landed = await git(root, ['log', '--format=%s', 'colony/main'])
    expect(landed).not.toMatch(/slugify|wordCount|late/i)
    expect(await git(root, ['ls-tree', '-r', '--name-only', 'colony/main'])).not.toMatch(/late-/)
  }

  it('a cancel ends the CLI\'s whole process tree; the task is cancelled and nothing of it lands', async () => {
    fixture = await createRunFixture(longTurn(7311), cliConfig())
    const run = startColony(fixture.root, ['run', '--goal', demoGoal], key)
    // Which work task's CLI gets a slot first is the board's choice: cancel that one.
    const taskId = await waitUntil('Claude Code running the long command', () => taskInLongCommand(7311))
    const cancelled = await colony(fixture.root, ['cancel', String(taskId), '--reason', 'not needed'])
    expect(cancelled.code, cancelled.stderr).toBe(0)
    await fixture.waitFor(`task ${taskId} cancelled`, async (store) => (await store.getTask(taskId)).status === 'cancelled')
    await waitUntil('the cancelled task\'s processes to end', async () => !(await processesRunning(`late-${taskId}.txt`)).length)
    await colony(fixture.root, ['stop'])
    expect(await run.exited, run.output()).toBe(0)
    expect(await processesRunning('7311000)')).toEqual([])
    await nothingLanded(fixture.root)
  }, 180_000)

  it('the time box ends the CLI\'s process tree and the attempt, with the time box as its reason', async () => {
    fixture = await createRunFixture(longTurn(7312), cliConfig({ limits: { attemptMinutes: 0.15, leaseSeconds: 6, maxAttempts: 1 } }))
    const run = startColony(fixture.root, ['run', '--goal', demoGoal], key)
    const taskId = await waitUntil('Claude Code running the long command', () => taskInLongCommand(7312))
    const failed = await fixture.waitFor(`task ${taskId} failed by its time box`, async (store) => {
      const task = await store.getTask(taskId)
      return task.status === 'failed' && task
    })
    expect(failed.reason).toMatch(/time box/)
    await waitUntil('the timed-out processes to end', async () => !(await processesRunning(`late-${taskId}.txt`)).length)
    await colony(fixture.root, ['stop'])
    await run.exited
    expect(await processesRunning('7312000)')).toEqual([])
    await nothingLanded(fixture.root)
  }, 180_000)

  it('the budget stops the run while CLIs are mid-turn: their process trees end and nothing lands', async () => {
    fixture = await createRunFixture(longTurn(7313, { input: 200_000, output: 100 }), cliConfig({ budget: { usd: 0.5 } }))
    const run = startColony(fixture.root, ['run', '--goal', demoGoal], key)
    expect(await run.exited, run.output()).toBe(0)
    expect(run.stdout()).toMatch(/budget exceeded/)
    await waitUntil('every CLI process to end', async () => !(await processesRunning('7313000)')).length, 30_000)
    await nothingLanded(fixture.root)
    const spent = await fixture.withStore((store) => store.usageTotals({}))
    expect(spent.costUsd).toBeGreaterThan(0.5)
    // A worker's only reply is the one that starts the long command: its tokens counted while the command ran, and its agent was stopped, not finished.
    // Whichever work task's CLI replied first (the sub-plan's tasks may get slots before task 3 on a busy machine).
    const workerTokens = await fixture.withStore(async (store) => {
      const work = (await store.listTasks({})).filter((task) => task.kind === 'work')
      const totals = await Promise.all(work.map((task) => store.usageTotals({ taskId: task.id })))
      return totals.reduce((sum, total) => sum + total.inputTokens, 0)
    })
    expect(workerTokens).toBeGreaterThanOrEqual(200_000)
    const workers = await fixture.withStore(async (store) => (await store.listAgents({})).filter((agent) => agent.role === 'worker'))
    expect(workers.length).toBeGreaterThan(0)
    expect(workers.every((agent) => agent.status === 'stopped')).toBe(true)
  }, 180_000)
})

describe('an agent CLI whose Colony process is killed', () => {
  let fixture: RunFixture | undefined
  afterEach(async () => fixture?.dispose())

  it('is restarted from its worktree when the run resumes: told what the worktree holds, its work kept, its old processes gone', async () => {
    // Task 2's Claude Code writes half of slugify, then runs a long check; after the kill the resumed CLI is told what is there and ends its turn.
    const slugify = "export function slugify(text: string): string {\n  return text.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '')\n}\n"
    const script: Script = (request) => {
      if (request.role !== 'worker') return demoScript(request)
      if (request.task !== '2') return { text: 'Nothing for me.' }
      if (JSON.stringify(request.body).includes('Resuming an interrupted attempt')) return { text: 'The worktree already holds slugify from before the interruption; it is complete.' }
      if (request.turn === 1) return { toolCalls: [{ name: 'Read', input: { file_path: 'src/slugify.ts' } }, { name: 'Write', input: { file_path: 'src/slugify.ts', content: slugify } }] }
      return { toolCalls: [{ name: 'Bash', input: { command: 'node -e "setTimeout(() => {}, 7314000)"', description: 'long check', timeout: 600_000 } }] }
    }
    fixture = await createRunFixture(script, cliConfig({ workers: 3 }))
    const first = startColony(fixture.root, ['run', '--goal', demoGoal], key)
    await waitUntil('Claude Code in its long check after writing slugify', async () => (await processesRunning('7314000)')).length > 0)
    first.child.kill('SIGKILL')
    await first.exited
    await waitUntil('the killed run\'s CLI processes to end', async () => !(await processesRunning('7314000)')).length, 30_000)

    const resumed = startColony(fixture.root, ['run'], key)
    await fixture.waitFor('task 2 merged after the resume', async (store) => (await store.getTask(2)).status === 'merged', { context: resumed.output })
    await colony(fixture.root, ['stop'])
    await resumed.exited
    expect(await git(fixture.root, ['show', 'colony/main:src/slugify.ts'])).toBe(slugify.trimEnd())
    const told = fixture.server.requests.filter((request) => request.task === '2' && JSON.stringify(request.body).includes('Resuming an interrupted attempt'))
    expect(told.length).toBeGreaterThan(0)
    expect(JSON.stringify(told[0]!.body)).toContain('src/slugify.ts')
  }, 180_000)
})
