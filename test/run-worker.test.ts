import { afterEach, describe, expect, it } from 'vitest'
import { colony } from './support/cli.ts'
import { createRunFixture, startColony, startColonyRun, userTreeSnapshot, type RunFixture } from './support/run-fixture.ts'
import { steadyScript } from './support/steady-script.ts'

describe('colony worker', () => {
  let fixture: RunFixture | undefined
  afterEach(async () => fixture?.dispose())

  it('joins a run from another process; Ctrl-C makes it leave with its task handed back; another joins; every task merges once; a finished run cannot be joined', async () => {
    fixture = await createRunFixture(steadyScript({ planner: 300, worker: 300 }), { workers: 1 })
    const before = await userTreeSnapshot(fixture.root)
    const run = startColonyRun(fixture.root, ['--goal', 'Implement textkit'])
    await fixture.waitFor('the run to start', (store) => store.latestRun().then((latest) => latest?.status === 'running'))
    const first = startColony(fixture.root, ['worker', '--workers', '2'])
    const joined = await fixture.waitFor('the first worker process to join', async (store) => (await store.listEvents({ types: ['workers-joined'] }))[0])
    const firstInstance = String(joined.data.instance)
    expect(joined.data.models).toEqual({ worker: 'scripted:agent' })

    const processes = () => colony(fixture!.root, ['status', '--json']).then((status) => (JSON.parse(status.stdout) as { processes: { command: string; instance: string }[] }).processes)
    expect((await processes()).map((process) => process.command)).toEqual(['colony run', 'colony worker'])
    expect((await processes())[1]!.instance).toBe(firstInstance)
    const held = await fixture.waitFor('a task run by the worker process', async (store) => (await store.listTasks({ statuses: ['running'] })).find((task) => task.owner?.startsWith(`${firstInstance}/`)), { context: () => first.output() })
    first.child.kill('SIGINT')
    expect(await first.exited, first.output()).toBe(0)
    expect(first.stdout()).toContain('this worker process was interrupted')
    expect((await processes()).map((process) => process.command)).toEqual(['colony run'])
    const released = await fixture.withStore((store) => store.listEvents({ taskId: held.id, types: ['task-released'] }))
    expect(released.map((event) => event.data.owner)).toContain(held.owner)

    const second = startColony(fixture.root, ['worker', '--workers', '2'])
    expect(await run.exited, run.output()).toBe(0)
    expect(run.stdout()).toContain('done: npm test passes')
    expect(await second.exited, second.output()).toBe(0)
    expect(second.stdout()).toMatch(/workers left run 1 \(done\): the run is done/)

    const log = JSON.parse((await colony(fixture.root, ['log', '--json'])).stdout) as { taskId: number | null }[]
    expect(log.map((commit) => commit.taskId).filter((id) => id !== null).sort()).toEqual([2, 3, 5, 6])
    const merges = await fixture.withStore((store) => store.listEvents({ types: ['task-merged'] }))
    const byJoined = merges.filter((event) => typeof event.data.owner === 'string' && !event.data.owner.startsWith(firstInstance) && event.taskId !== 1 && event.taskId !== 4)
    expect(byJoined.length).toBeGreaterThan(0)
    expect(await fixture.targetTestsPass()).toBe(true)
    expect(await userTreeSnapshot(fixture.root)).toBe(before)
    const late = await colony(fixture.root, ['worker'])
    expect(late.code).toBe(1)
    expect(late.stderr).toContain('there is no run to join: run 1 is done')
  }, 200_000)
})
