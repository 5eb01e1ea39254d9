import { afterEach, describe, expect, it } from 'vitest'
import type { Store, Task } from '../src/store/index.ts'
import { colony } from './support/cli.ts'
import { controlsScript } from './support/controls-script.ts'
import { createRunFixture, startColonyRun, type RunFixture } from './support/run-fixture.ts'

describe('a person steering a running run from another terminal', () => {
  let fixture: RunFixture | undefined
  let runOutput = () => ''
  afterEach(async () => fixture?.dispose())

  const waitFor = <T>(what: string, read: (store: Store) => Promise<T | undefined | false>) => fixture!.waitFor(what, read, { context: runOutput })
  const taskTitled = (title: string) => async (store: Store) => (await store.listTasks()).find((task) => task.title === title)
  const inStatus = (title: string, status: Task['status']) => async (store: Store) => ((await taskTitled(title)(store))?.status === status ? (await taskTitled(title)(store)) : undefined)
  const cli = async (...args: string[]) => {
    const result = await colony(fixture!.root, args)
    expect(result.code, `colony ${args.join(' ')}: ${result.stderr}`).toBe(0)
    return result.stdout
  }

  it('approves, rejects, steers, cancels, pauses, resumes and retries, each taking effect', async () => {
    fixture = await createRunFixture(controlsScript, { approval: { plan: true, merge: false }, limits: { attemptMinutes: 5, leaseSeconds: 6, maxAttempts: 1 }, checks: { fast: [], full: ['node --test test/slugify.test.ts test/word-count.test.ts'] } })
    const run = startColonyRun(fixture.root, ['--goal', 'Implement textkit'])
    runOutput = run.output

    // approval.plan: the planner's tasks wait for a person.
    const proposed = await waitFor('five tasks awaiting approval', async (store) => {
      const tasks = await store.listTasks({ statuses: ['awaiting_approval'] })
      return tasks.length === 5 && tasks
    })
    expect((await cli('approvals')).match(/colony approve \d+/g)).toHaveLength(5)
    await cli('steer', 'Prefer', 'small', 'functions')
    const id = (title: string) => String(proposed.find((task) => task.title === title)!.id)
    for (const title of ['Implement slugify', 'Implement wordCount', 'Add truncate', 'Add titleCase']) await cli('approve', id(title))
    // "Write a changelog" stays awaiting approval for now: while it waits, the judge cannot end the run.

    // cancel: the slow titleCase worker stops at its next heartbeat.
    await waitFor('titleCase running', inStatus('Add titleCase', 'running'))
    await cli('cancel', id('Add titleCase'))
    await waitFor('titleCase cancelled', inStatus('Add titleCase', 'cancelled'))

    // retry: truncate stalls on its only attempt and fails; a person gives it another.
    await waitFor('truncate failed', inStatus('Add truncate', 'failed'))
    const failed = await fixture.withStore(async (store) => (await taskTitled('Add truncate')(store))!)
    expect(failed.reason).toMatch(/stall/)

    // pause: agents finish their step, nothing new starts; resume: work goes on.
    await cli('pause')
    await waitFor('run paused', async (store) => (await store.latestRun())?.status === 'paused')
    await new Promise((resolve) => setTimeout(resolve, 1_500))
    const stepsWhilePaused = await fixture.withStore(async (store) => (await store.listEvents({ types: ['agent-step'] })).length)
    await cli('retry', id('Add truncate'))
    await new Promise((resolve) => setTimeout(resolve, 1_500))
    expect(await fixture.withStore(async (store) => (await store.listEvents({ types: ['agent-step'] })).length)).toBe(stepsWhilePaused)
    expect(await fixture.withStore(async (store) => (await taskTitled('Add truncate')(store))!.status)).toBe('ready')
    await cli('resume')
    await waitFor('truncate merged after the retry', inStatus('Add truncate', 'merged'))

    // reject: the last waiting task is cancelled, and the run can end.
    await cli('reject', id('Write a changelog'), '--reason', 'not needed')
    await waitFor('the rejected plan task cancelled', inStatus('Write a changelog', 'cancelled'))

    const ended = await Promise.race([run.exited, new Promise<'still running'>((resolve) => setTimeout(() => resolve('still running'), 60_000))])
    expect(ended, run.output().slice(-4_000)).toBe(0)
    expect(run.output()).toContain('done: the approved work is in')
    // The cancelled tasks are counted apart, not as work that failed to merge.
    expect(run.output()).toContain('3 of 3 work tasks merged, 2 cancelled, in ')
    const final = await fixture.withStore((store) => store.listTasks())
    expect(final.filter((task) => task.kind === 'work').map((task) => `${task.title}: ${task.status}`).sort()).toEqual([
      'Add titleCase: cancelled',
      'Add truncate: merged',
      'Implement slugify: merged',
      'Implement wordCount: merged',
      'Write a changelog: cancelled',
    ])
    // The steering reached a planner turn, and is on record.
    expect(fixture.server.requests.some((request) => request.role === 'planner' && JSON.stringify(request.body).includes('Prefer small functions'))).toBe(true)
    const events = await fixture.withStore((store) => store.listEvents({ types: ['run-steered', 'run-paused', 'run-resumed', 'task-cancelled', 'task-retried'] }))
    expect(new Set(events.map((event) => event.type))).toEqual(new Set(['run-steered', 'run-paused', 'run-resumed', 'task-cancelled', 'task-retried']))
  }, 180_000)
})
