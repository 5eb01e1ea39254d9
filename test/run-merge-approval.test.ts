import { afterEach, describe, expect, it } from 'vitest'
import { colony } from './support/cli.ts'
import { createRunFixture, startColonyRun, type RunFixture } from './support/run-fixture.ts'
import { steadyScript } from './support/steady-script.ts'

describe('approval.merge', () => {
  let fixture: RunFixture | undefined
  afterEach(async () => fixture?.dispose())

  it('holds every gated change for a person: approved ones land, a rejected one goes back to a worker with the reason', async () => {
    fixture = await createRunFixture(steadyScript({ planner: 50, worker: 50 }), { approval: { plan: false, merge: true } })
    const run = startColonyRun(fixture.root, ['--goal', 'Implement textkit'])

    let rejected = false
    const decided: string[] = []
    const deadline = Date.now() + 150_000
    while (Date.now() < deadline && decided.length < 5) {
      const waiting = await fixture.withStore((store) => store.listTasks({ statuses: ['awaiting_approval'] }))
      for (const task of waiting) {
        expect(task.result).toMatchObject({ awaiting: 'merge' })
        expect((await colony(fixture.root, ['approvals'])).stdout).toContain(`colony approve ${task.id}`)
        // Nothing lands before a person says so.
        const log = JSON.parse((await colony(fixture.root, ['log', '--json'])).stdout) as { taskId: number | null }[]
        expect(log.some((commit) => commit.taskId === task.id)).toBe(false)
        if (task.title === 'Implement wordCount' && !rejected) {
          rejected = true
          expect((await colony(fixture.root, ['reject', String(task.id), '--reason', 'handle tabs too'])).code).toBe(0)
          decided.push(`rejected ${task.title}`)
        } else {
          expect((await colony(fixture.root, ['approve', String(task.id)])).code).toBe(0)
          decided.push(`approved ${task.title}`)
        }
      }
      await new Promise((resolve) => setTimeout(resolve, 100))
    }
    expect(await run.exited, run.output()).toBe(0)
    expect(run.stdout()).toContain('done: npm test passes')
    expect(decided.sort()).toEqual(['approved Add titleCase', 'approved Add truncate', 'approved Implement slugify', 'approved Implement wordCount', 'rejected Implement wordCount'])
    const tasks = await fixture.withStore((store) => store.listTasks())
    expect(tasks.filter((task) => task.kind === 'work').every((task) => task.status === 'merged')).toBe(true)
    const events = await fixture.withStore((store) => store.listEvents({ types: ['task-ready'] }))
    expect(events.some((event) => String(event.data.reason).includes('merge rejected: handle tabs too'))).toBe(true)
    const log = JSON.parse((await colony(fixture.root, ['log', '--json'])).stdout) as { taskId: number | null }[]
    expect(log.map((commit) => commit.taskId).filter((id) => id !== null).sort()).toEqual([2, 3, 5, 6])
    expect(await fixture.targetTestsPass()).toBe(true)
  }, 200_000)
})
