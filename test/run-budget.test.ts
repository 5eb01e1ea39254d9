import { afterEach, describe, expect, it } from 'vitest'
import { colony, git } from './support/cli.ts'
import { createRunFixture, startColonyRun, type RunFixture } from './support/run-fixture.ts'
import { steadyScript } from './support/steady-script.ts'

describe('a budget that runs out', () => {
  let fixture: RunFixture | undefined
  afterEach(async () => fixture?.dispose())

  it('ends the run with the reason, and leaves no change half merged', async () => {
    // Each scripted call costs $0.0045 at the fixture's price: about a dozen calls fit.
    fixture = await createRunFixture(steadyScript({ planner: 100, worker: 100 }), { budget: { usd: 0.05 } })
    const run = startColonyRun(fixture.root, ['--goal', 'Implement textkit'])
    expect(await run.exited, run.output()).toBe(0)
    expect(run.stdout()).toMatch(/run 1 stopped: budget exceeded: spent \$0\.0\d of the \$0\.05 budget/)

    const tasks = await fixture.withStore((store) => store.listTasks())
    expect(tasks.filter((task) => ['claimed', 'running', 'integrating'].includes(task.status))).toEqual([])
    const latest = await fixture.withStore(async (store) => (await store.latestRun())!)
    expect(latest).toMatchObject({ status: 'stopped', reason: expect.stringMatching(/^budget exceeded/) as unknown })

    // Every task commit on the target belongs to a merged task, and every merged work task has its commit there.
    const log = JSON.parse((await colony(fixture.root, ['log', '--json'])).stdout) as { taskId: number | null; commit: string }[]
    const landed = log.filter((commit) => commit.taskId !== null)
    const merged = tasks.filter((task) => task.kind === 'work' && task.status === 'merged')
    expect(landed.map((commit) => commit.taskId).sort()).toEqual(merged.map((task) => task.id).sort())
    for (const task of merged) expect(landed.find((commit) => commit.taskId === task.id)?.commit).toBe(task.result?.commit)
    expect(tasks.some((task) => task.kind === 'work' && task.status !== 'merged')).toBe(true)
    expect(await git(fixture.root, ['status', '--porcelain'])).toBe('?? colony.json')
  }, 120_000)
})
