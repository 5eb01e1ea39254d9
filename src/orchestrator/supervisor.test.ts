import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createBoard, landingOwner, type Board } from '../board/index.ts'
import { openStore, type Run, type Store } from '../store/index.ts'
import { createControls } from './controls.ts'
import type { PlannerTurn, Roles, WorkerAttempt } from './role-contract.ts'
import { approvedMerge } from '../../test/support/approved-merge.ts'
import { createSupervisor } from './supervisor.ts'

// The roles here are small scripted stand-ins injected through the factory; the
// supervisor, board and store under them are the real ones.
describe('supervisor', () => {
  let directory: string
  let store: Store
  let board: Board
  let run: Run

  beforeEach(async () => {
    directory = await mkdtemp(join(tmpdir(), 'colony-supervisor-'))
    store = await openStore(join(directory, 'colony.db'))
    board = createBoard({ store })
    run = await store.createRun({ goal: 'build textkit', target: 'colony/main' })
  })
  afterEach(async () => {
    await store.close()
    await rm(directory, { recursive: true, force: true })
  })

  async function mergeAs(attempt: WorkerAttempt, commit: string) {
    await attempt.handle.advance('integrating')
    await attempt.handle.advance('merged', { result: { commit } })
    await store.addHandoff({ runId: attempt.run.id, taskId: attempt.handle.task.id, summary: `merged ${commit}` })
    return { merged: true as const, commit }
  }

  function planner(tasks: { title: string; scope?: string[] }[]) {
    const turns: PlannerTurn[] = []
    const plan = async (turn: PlannerTurn) => {
      turns.push(turn)
      if (turn.turn === 1) {
        // Descending priorities make the claim order (otherwise random among equals) predictable.
        for (const [index, task] of tasks.entries()) {
          await board.addTask({ runId: turn.run.id, parentId: turn.handle.task.id, title: task.title, scope: task.scope ?? [], priority: tasks.length - index, createdBy: 'planner' })
        }
        return { created: tasks.length, complete: false }
      }
      return { created: 0, complete: true }
    }
    return { plan, turns }
  }

  it('stops a run whose cycles create and merge nothing, instead of judging forever', async () => {
    const { plan } = planner([{ title: 'a' }])
    let verdicts = 0
    const roles: Roles = {
      plan,
      work: (attempt) => mergeAs(attempt, 'commit-a'),
      judge: async () => (verdicts++, { decision: 'continue', reason: 'the checks still fail' }),
    }
    const result = await createSupervisor({ store, board, runId: run.id, roles, workers: 2, pollMs: 20 }).run()
    expect(result).toMatchObject({ status: 'stopped', reason: expect.stringMatching(/^no progress: 2 cycles in a row created and merged nothing/) as unknown })
    expect(verdicts).toBe(3)
    expect((await store.listEvents({ types: ['run-no-progress'] }))).toHaveLength(1)
  })

  it.each([false, true])('ends a run in which no model call succeeded as failed, with the last model error, not stopped for no progress (one succeeded: %s)', async (oneSucceeded) => {
    const { plan } = planner([{ title: 'a' }])
    const detail = 'scripted:agent: cannot connect to http://127.0.0.1:9/v1/chat/completions: connection refused (after 5 attempts)'
    let judged = 0
    const roles: Roles = {
      plan,
      work: (attempt) => mergeAs(attempt, 'commit-a'),
      judge: async () => {
        if (oneSucceeded && judged++ === 0) {
          await store.recordUsage({ runId: run.id, model: 'scripted:agent', inputTokens: 10, outputTokens: 1, costUsd: 0 })
          return { decision: 'continue', reason: 'the checks still fail' }
        }
        // What the judge's loop records when its model call fails (src/agent/loop.ts).
        await store.appendEvents([{ runId: run.id, type: 'agent-stopped', data: { reason: 'model-error', detail, steps: 0, costUsd: 0 } }])
        return { decision: 'continue', reason: `the judge gave no verdict (model-error: ${detail})` }
      },
    }
    // A call that succeeded before this supervisor started is not one of its session's.
    await store.recordUsage({ runId: run.id, model: 'scripted:agent', inputTokens: 10, outputTokens: 1, costUsd: 0 })
    const result = await createSupervisor({ store, board, runId: run.id, roles, workers: 2, pollMs: 20 }).run()
    if (oneSucceeded) {
      expect(result).toMatchObject({ status: 'stopped', reason: expect.stringMatching(/^no progress: /) as unknown })
    } else {
      expect(result).toMatchObject({ status: 'failed', reason: `no model call succeeded (3 agents stopped on a model error); the last: ${detail}` })
    }
    expect((await store.getRun(run.id)).status).toBe(result.status)
  })

  it('runs a goal to done: planner creates tasks, workers merge them, the planner wakes on handoffs, the judge ends it', async () => {
    const { plan, turns } = planner([{ title: 'a', scope: ['src/a/**'] }, { title: 'b', scope: ['src/b/**'] }, { title: 'c', scope: ['src/c/**'] }])
    const roles: Roles = {
      plan,
      work: (attempt) => mergeAs(attempt, `commit-${attempt.handle.task.title}`),
      judge: async () => ({ decision: 'done', reason: 'all merged' }),
    }
    const result = await createSupervisor({ store, board, runId: run.id, roles, workers: 3, pollMs: 20 }).run()
    expect(result).toEqual({ status: 'done', reason: 'all merged', cycles: 1 })
    const tasks = await store.listTasks({ runId: run.id })
    expect(tasks.map((task) => [task.title, task.status])).toEqual(
      expect.arrayContaining([['Plan: build textkit', 'merged'], ['a', 'merged'], ['b', 'merged'], ['c', 'merged']]),
    )
    expect(turns.length).toBeGreaterThanOrEqual(2)
    expect(turns.slice(1).flatMap((turn) => turn.handoffs.map((handoff) => handoff.summary)).sort()).toEqual(['merged commit-a', 'merged commit-b', 'merged commit-c'])
    expect((await store.getRun(run.id)).status).toBe('done')
  })

  it('lets the first workers hear their I/O while it is still claiming the rest of hundreds of tasks', async () => {
    const count = 300
    const { plan } = planner(Array.from({ length: count }, (_, index) => ({ title: `t${index}`, scope: [`src/t${index}/**`] })))
    let started = 0
    let startedWhenFirstHeard: number | undefined
    const roles: Roles = {
      plan,
      work: async (attempt) => {
        const first = started++ === 0
        // A macrotask, as a mount's or a git process's end is: heard only when claiming lets the event loop turn.
        await new Promise((resolve) => setTimeout(resolve, 0))
        if (first) startedWhenFirstHeard = started
        return mergeAs(attempt, `commit-${attempt.handle.task.title}`)
      },
      judge: async () => ({ decision: 'done', reason: 'all merged' }),
    }
    const result = await createSupervisor({ store, board, runId: run.id, roles, workers: count, pollMs: 20 }).run()
    expect(result).toMatchObject({ status: 'done' })
    expect(started).toBe(count)
    // Claiming 300 tasks in SQLite takes far longer than one slice of claiming (20 ms) on any machine.
    expect(startedWhenFirstHeard).toBeLessThan(count)
  })

  it('a worker process joins the run: it takes work tasks (never plans), shares the board without doubles, and leaves when the run ends', async () => {
    const { plan } = planner(['a', 'b', 'c', 'd', 'e', 'f'].map((title) => ({ title, scope: [`src/${title}/**`] })))
    const ranBy: Record<string, string> = {}
    const roles = (who: string): Roles => ({
      plan: async (turn) => {
        if (who !== 'supervisor') throw new Error('a joined worker process never plans')
        return plan(turn)
      },
      work: async (attempt) => {
        ranBy[attempt.handle.task.title] = who
        await new Promise((resolve) => setTimeout(resolve, 150))
        return mergeAs(attempt, `commit-${attempt.handle.task.title}`)
      },
      judge: async () => ({ decision: 'done', reason: 'all merged' }),
    })
    const supervisor = createSupervisor({ store, board, runId: run.id, roles: roles('supervisor'), workers: 1, pollMs: 10 })
    const joined = createSupervisor({ store, board, runId: run.id, roles: roles('joined'), workers: 3, pollMs: 10 })
    const [result, left] = await Promise.all([supervisor.run(), joined.join()])
    expect(result).toMatchObject({ status: 'done', reason: 'all merged' })
    expect(left).toMatchObject({ status: 'done' })
    const tasks = (await store.listTasks({ runId: run.id })).filter((task) => task.kind === 'work')
    expect(tasks.map((task) => task.status)).toEqual(Array(6).fill('merged'))
    expect(Object.keys(ranBy).sort()).toEqual(['a', 'b', 'c', 'd', 'e', 'f'])
    expect(Object.values(ranBy).filter((who) => who === 'joined').length).toBeGreaterThanOrEqual(3)
    expect((await store.listEvents({ types: ['task-claimed'] })).filter((event) => event.taskId !== null && tasks.some((task) => task.id === event.taskId))).toHaveLength(6)
    expect((await store.listEvents({ types: ['workers-joined', 'workers-left'] })).map((event) => event.type)).toEqual(['workers-joined', 'workers-left'])
  })

  it('retries a failing attempt and tells the planner when a task fails for good', async () => {
    const { plan, turns } = planner([{ title: 'flaky' }, { title: 'hopeless' }])
    const attempts: Record<string, number> = {}
    const roles: Roles = {
      plan,
      work: async (attempt) => {
        const title = attempt.handle.task.title
        attempts[title] = (attempts[title] ?? 0) + 1
        if (title === 'flaky' && attempts[title] === 1) return { merged: false, reason: 'gate failed: 1 test failing' }
        if (title === 'hopeless') throw new Error('cannot be done')
        return mergeAs(attempt, 'c1')
      },
      judge: async () => ({ decision: 'done', reason: 'as far as it goes' }),
    }
    await createSupervisor({ store, board, runId: run.id, roles, workers: 2, pollMs: 20 }).run()
    const byTitle = Object.fromEntries((await store.listTasks({ runId: run.id })).map((task) => [task.title, task]))
    expect(byTitle.flaky).toMatchObject({ status: 'merged', attempt: 2 })
    expect(byTitle.hopeless).toMatchObject({ status: 'failed', reason: 'cannot be done (after 3 of 3 attempts)' })
    expect(attempts).toEqual({ flaky: 2, hopeless: 3 })
    expect(turns.flatMap((turn) => turn.handoffs.map((handoff) => handoff.summary))).toContain('failed for good: cannot be done (after 3 of 3 attempts)')
  })

  it('never runs two tasks with overlapping scopes at once', async () => {
    const { plan } = planner([{ title: 'one', scope: ['src/index.ts'] }, { title: 'two', scope: ['src/**'] }, { title: 'apart', scope: ['docs/**'] }])
    let running: string[] = []
    let overlapSeen = false
    let maxParallel = 0
    const roles: Roles = {
      plan,
      work: async (attempt) => {
        running.push(attempt.handle.task.title)
        maxParallel = Math.max(maxParallel, running.length)
        if (running.includes('one') && running.includes('two')) overlapSeen = true
        await new Promise((resolve) => setTimeout(resolve, 50))
        running = running.filter((title) => title !== attempt.handle.task.title)
        return mergeAs(attempt, 'c')
      },
      judge: async () => ({ decision: 'done', reason: 'ok' }),
    }
    await createSupervisor({ store, board, runId: run.id, roles, workers: 3, pollMs: 10 }).run()
    expect(overlapSeen).toBe(false)
    expect(maxParallel).toBe(2)
  })

  it('ends an attempt at its time box and counts it as failed', async () => {
    const { plan } = planner([{ title: 'slow' }])
    let calls = 0
    const roles: Roles = {
      plan,
      work: async (attempt) => {
        calls++
        if (calls === 1) {
          await new Promise((_, reject) => attempt.signal.addEventListener('abort', () => reject(attempt.signal.reason as Error)))
        }
        return mergeAs(attempt, 'c')
      },
      judge: async () => ({ decision: 'done', reason: 'ok' }),
    }
    await createSupervisor({ store, board, runId: run.id, roles, workers: 1, pollMs: 10, attemptMinutes: 0.002 }).run()
    const events = await store.listEvents({ runId: run.id, types: ['task-attempt-failed'] })
    expect(events[0]?.data.reason).toBe('time box of 0.002 minutes ran out')
    expect((await store.listTasks({ runId: run.id })).find((task) => task.title === 'slow')?.status).toBe('merged')
  })

  it('pauses (nothing new starts), resumes, and stops cleanly from the store', async () => {
    const controls = createControls({ store, board })
    const { plan } = planner([{ title: 'first' }, { title: 'second' }])
    let releaseFirst!: () => void
    const firstStarted = new Promise<void>((resolve) => {
      releaseFirst = resolve
    })
    let proceed!: () => void
    const firstMayFinish = new Promise<void>((resolve) => (proceed = resolve))
    const started: string[] = []
    const roles: Roles = {
      plan,
      work: async (attempt) => {
        started.push(attempt.handle.task.title)
        if (attempt.handle.task.title === 'first') {
          releaseFirst()
          await firstMayFinish
        }
        return mergeAs(attempt, 'c')
      },
      judge: async () => ({ decision: 'done', reason: 'ok' }),
    }
    const supervisor = createSupervisor({ store, board, runId: run.id, roles, workers: 1, pollMs: 10 })
    const finished = supervisor.run()
    await firstStarted
    await controls.pause(run.id)
    proceed()
    await waitFor(async () => (await store.listTasks({ runId: run.id })).some((task) => task.title === 'first' && task.status === 'merged'))
    // Paused: 'second' must not start however long we look.
    for (let look = 0; look < 5; look++) {
      await new Promise((resolve) => setTimeout(resolve, 30))
      expect(started).toEqual(['first'])
    }
    await controls.resume(run.id)
    expect(await finished).toMatchObject({ status: 'done' })
    expect(started).toEqual(['first', 'second'])
    const types = (await store.listEvents({ runId: run.id, types: ['run-paused', 'run-resumed', 'run-done'] })).map((event) => event.type)
    expect(types).toEqual(['run-paused', 'run-resumed', 'run-done'])
  })

  it('a stop request releases the held tasks and ends the run as stopped', async () => {
    const controls = createControls({ store, board })
    const { plan } = planner([{ title: 'endless' }])
    const roles: Roles = {
      plan,
      work: async (attempt) => {
        await controls.stop(attempt.run.id)
        await new Promise((_, reject) => attempt.signal.addEventListener('abort', () => reject(attempt.signal.reason as Error)))
        return { merged: false, reason: 'unreachable' }
      },
      judge: async () => ({ decision: 'done', reason: 'ok' }),
    }
    const result = await createSupervisor({ store, board, runId: run.id, roles, workers: 1, pollMs: 10 }).run()
    expect(result).toMatchObject({ status: 'stopped', reason: 'stopped by a person' })
    const endless = (await store.listTasks({ runId: run.id })).find((task) => task.title === 'endless')
    expect(endless).toMatchObject({ status: 'ready', attempt: 1, owner: null })
  })

  it('a spent budget stops new work and ends the run with the reason', async () => {
    const { plan } = planner([{ title: 'costly' }, { title: 'never started' }])
    const worked: string[] = []
    const roles: Roles = {
      plan,
      work: async (attempt) => {
        worked.push(attempt.handle.task.title)
        await store.recordUsage({ runId: attempt.run.id, taskId: attempt.handle.task.id, model: 'm', inputTokens: 10, outputTokens: 10, costUsd: 7 })
        return mergeAs(attempt, 'c')
      },
      judge: async () => ({ decision: 'done', reason: 'ok' }),
    }
    const result = await createSupervisor({ store, board, runId: run.id, roles, workers: 1, pollMs: 10, budget: { usd: 5 } }).run()
    expect(result).toMatchObject({ status: 'stopped', reason: 'budget exceeded: spent $7.00 of the $5 budget' })
    expect(worked).toEqual(['costly'])
    const tasks = await store.listTasks({ runId: run.id })
    expect(tasks.filter((task) => ['claimed', 'running', 'integrating'].includes(task.status))).toEqual([])
  })

  it('continue and replan verdicts give the root planner another turn', async () => {
    let judged = 0
    const turns: PlannerTurn[] = []
    const roles: Roles = {
      plan: async (turn) => {
        turns.push(turn)
        if (turn.turn <= 2 && turn.feedback !== undefined ? true : turn.turn === 1) {
          await board.addTask({ runId: turn.run.id, parentId: turn.handle.task.id, title: `work ${turn.turn}`, createdBy: 'planner' })
          return { created: 1, complete: true }
        }
        return { created: 0, complete: true }
      },
      work: (attempt) => mergeAs(attempt, 'c'),
      judge: async () => {
        judged++
        return judged === 1 ? { decision: 'continue', reason: 'docs missing' } : judged === 2 ? { decision: 'replan', reason: 'wrong approach' } : { decision: 'done', reason: 'good' }
      },
    }
    const result = await createSupervisor({ store, board, runId: run.id, roles, workers: 2, pollMs: 10 }).run()
    expect(result).toMatchObject({ status: 'done', cycles: 3 })
    const judgedTurns = turns.filter((turn) => turn.feedback !== undefined)
    expect(judgedTurns.map((turn) => [turn.feedback, turn.fresh])).toEqual([['docs missing', false], ['wrong approach', true]])
  })

  it('takes back at once the tasks of a supervisor that died', async () => {
    const task = await board.addTask({ runId: run.id, title: 'orphan', createdBy: 'person' })
    await board.claim({ runId: run.id, owner: `${(await import('node:os')).hostname()}:999999:dead00/slot-1` })
    const roles: Roles = {
      plan: async () => ({ created: 0, complete: true }),
      work: (attempt) => mergeAs(attempt, 'c'),
      judge: async () => ({ decision: 'done', reason: 'ok' }),
    }
    await createSupervisor({ store, board, runId: run.id, roles, workers: 1, pollMs: 10, leaseMs: 3_600_000 }).run()
    expect(await store.getTask(task.id)).toMatchObject({ status: 'merged', attempt: 1 })
    expect((await store.listEvents({ taskId: task.id, types: ['task-released'] }))[0]?.data.reason).toContain('stopped')
  })

  it('lands an approved change whose lander died, without redoing the work or asking for approval again', async () => {
    const task = await approvedMerge(board, run.id, 'c1')
    await board.adoptLanding(task, landingOwner(`${(await import('node:os')).hostname()}:999999:dead00`, 1))
    const landed: number[] = []
    const roles: Roles = {
      plan: async () => ({ created: 0, complete: true }),
      work: () => Promise.reject(new Error('an approved change is not worked on again')),
      land: async (attempt) => {
        landed.push(attempt.handle.task.id)
        await attempt.handle.advance('merged', { result: { commit: 'c1' } })
        return { merged: true, commit: 'c1' }
      },
      judge: async () => ({ decision: 'done', reason: 'ok' }),
    }
    await createSupervisor({ store, board, runId: run.id, roles, workers: 1, pollMs: 10, leaseMs: 3_600_000 }).run()
    expect(landed).toEqual([task.id])
    expect(await store.getTask(task.id)).toMatchObject({ status: 'merged', attempt: 1 })
    const types = (await store.listEvents({ taskId: task.id })).map((event) => event.type)
    expect(types.slice(-4)).toEqual(['task-landing', 'task-landing-interrupted', 'task-landing', 'task-merged'])
    expect(types.filter((type) => type === 'task-awaiting-approval')).toHaveLength(1)
  })
})

async function waitFor(condition: () => Promise<boolean>, timeoutMs = 10_000) {
  const deadline = Date.now() + timeoutMs
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error('condition not met in time')
    await new Promise((resolve) => setTimeout(resolve, 10))
  }
}
