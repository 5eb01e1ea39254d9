import { afterEach, describe, expect, it } from 'vitest'
import { demoGoal, demoScript } from '../src/demo/index.ts'
import { colony } from './support/cli.ts'
import { createRunFixture, userTreeSnapshot, type RunFixture } from './support/run-fixture.ts'

describe('colony run end to end', () => {
  let fixture: RunFixture | undefined
  afterEach(async () => fixture?.dispose())

  it('plans, works in parallel, integrates, judges done; the target passes its tests and holds each task once', async () => {
    fixture = await createRunFixture(demoScript, { scheduling: { allowOverlap: true } })
    const before = await userTreeSnapshot(fixture.root)
    const run = await colony(fixture.root, ['run', '--goal', demoGoal])
    expect(run.code, run.stderr + run.stdout).toBe(0)
    expect(run.stdout).toContain('run 1 done: All four utilities are implemented')
    expect(run.stdout).toContain('4 of 4 work tasks merged')

    const tasks = JSON.parse((await colony(fixture.root, ['task', 'list', '--json'])).stdout) as { id: number; kind: string; status: string; createdBy: string; parentId: number | null }[]
    expect(tasks.map((task) => [task.id, task.kind, task.status, task.parentId]).sort((a, b) => Number(a[0]) - Number(b[0]))).toEqual([
      [1, 'plan', 'merged', null],
      [2, 'work', 'merged', 1],
      [3, 'work', 'merged', 1],
      [4, 'plan', 'merged', 1],
      [5, 'work', 'merged', 4],
      [6, 'work', 'merged', 4],
    ])
    expect(tasks.filter((task) => task.id > 1).every((task) => task.createdBy.startsWith('planner-'))).toBe(true)

    const log = JSON.parse((await colony(fixture.root, ['log', '--json'])).stdout) as { taskId: number | null }[]
    expect(log.map((commit) => commit.taskId).filter((id) => id !== null).sort()).toEqual([2, 3, 5, 6])
    expect(await fixture.targetTestsPass()).toBe(true)

    const events = (await colony(fixture.root, ['events', '--json'])).stdout
    expect(events).toContain('"merge-conflict"')
    expect(events).toContain('"gate-failed"')
    expect(events).toMatch(/"type":"verdict".*"decision":"done"/)
    expect(fixture.server.requests.every((request) => request.api === 'openai-chat')).toBe(true)
    expect(await userTreeSnapshot(fixture.root)).toBe(before)
  }, 120_000)
})
