import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { PassThrough } from 'node:stream'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createBoard } from '../board/index.ts'
import { openStore, type Store } from '../store/index.ts'
import { createLiveView } from './live-view.ts'

describe('live view', () => {
  let directory: string
  let store: Store
  beforeEach(async () => {
    directory = await mkdtemp(join(tmpdir(), 'colony-view-'))
    store = await openStore(join(directory, 'colony.db'))
  })
  afterEach(async () => {
    await store.close()
    await rm(directory, { recursive: true, force: true })
  })

  function capture(isTTY: boolean) {
    const stream = Object.assign(new PassThrough(), { isTTY, columns: 200 })
    let text = ''
    stream.on('data', (chunk: Buffer) => (text += chunk.toString()))
    return { stream, text: () => text }
  }

  it('prints plain lines with tasks, agents, spend and notable events when stdout is not a terminal', async () => {
    const run = await store.createRun({ goal: 'ship textkit', target: 'colony/main' })
    const board = createBoard({ store })
    const task = await board.addTask({ runId: run.id, title: 'slugify', createdBy: 'planner' })
    await board.claim({ runId: run.id, owner: 'worker-1' })
    await store.createAgent({ runId: run.id, role: 'worker', taskId: task.id, status: 'running' })
    await store.recordUsage({ runId: run.id, model: 'openai:gpt', inputTokens: 900, outputTokens: 100, costUsd: 1.5 })
    await store.appendEvents([{ runId: run.id, type: 'workers-joined', data: { instance: 'vm:42:abc', summary: 'worker openai:gpt; 3 workers', workers: 3 } }])
    const { stream, text } = capture(false)
    const view = createLiveView({ store, runId: run.id, output: stream, budget: { usd: 10 }, intervalMs: 60_000 })
    await view.stop()
    expect(text()).toContain('task-created task 1: slugify')
    expect(text()).toContain('task-claimed task 1: by worker-1, attempt 1')
    // Another process joining (colony worker) is worth a line too.
    expect(text()).toContain('workers-joined: 3 workers on vm:42:abc · worker openai:gpt; 3 workers')
    expect(text()).toContain('colony run 1 — pending: ship textkit | tasks   claimed 1 | merged  0    spend $1.50 of $10 · 1000 tokens · not started')
    expect(text()).not.toContain('\x1b[')
  })

  it('when stdout is not a terminal, prints the status line when something changes, never again only because the clock ticked', async () => {
    const run = await store.createRun({ goal: 'ship textkit', target: 'colony/main' })
    await store.appendEvents([{ runId: run.id, type: 'run-started', data: { from: 'pending', instance: 'vm:1:a' } }])
    let now = Date.now()
    const { stream, text } = capture(false)
    const view = createLiveView({ store, runId: run.id, output: stream, budget: {}, intervalMs: 60_000, now: () => now })
    for (let tick = 0; tick < 5; tick++) {
      now += 2_000
      await view.refresh()
    }
    const statusLines = () => text().split('\n').filter((line) => line.startsWith('colony run 1 —'))
    expect(statusLines()).toHaveLength(1)
    await createBoard({ store }).addTask({ runId: run.id, title: 'slugify', createdBy: 'planner' })
    now += 2_000
    await view.refresh()
    await view.refresh()
    expect(statusLines()).toHaveLength(2)
    expect(statusLines()[1]).toContain('tasks   ready 1')
    // At the end the line is said once more, with the clock as it stands then.
    now += 2_000
    await view.stop()
    expect(statusLines()).toHaveLength(3)
    expect(new Set(statusLines()).size).toBe(3)
  })

  it('counts the clock from the run-started event (not from when the run was made) and stops it at the run\'s end', async () => {
    let storeNow = Date.now()
    const clocked = await openStore(join(directory, 'clocked.db'), { now: () => storeNow })
    try {
      const run = await clocked.createRun({ goal: 'g', target: 'colony/main' })
      let now = storeNow
      const view = () => {
        const { stream, text } = capture(false)
        return { view: createLiveView({ store: clocked, runId: run.id, output: stream, budget: { hours: 4 }, intervalMs: 60_000, now: () => now }), text }
      }
      const statusOf = async () => {
        const { view: shown, text } = view()
        await shown.stop()
        return text().split('\n').filter((line) => line.startsWith('colony run 1 —')).at(-1) ?? ''
      }
      // Made at init an hour ago, started now: the hour before does not count.
      storeNow += 3_600_000
      now = storeNow
      expect(await statusOf()).toMatch(/ · not started$/)
      await clocked.appendEvents([{ runId: run.id, type: 'run-started', data: { from: 'pending', instance: 'vm:1:a' } }])
      now = storeNow + 65_000
      expect(await statusOf()).toMatch(/ · 1m05s of 4h$/)
      storeNow += 125_000
      await clocked.appendEvents([{ runId: run.id, type: 'run-done', data: { from: 'running', reason: 'done', cycles: 1 } }])
      now = storeNow + 3_600_000
      expect(await statusOf()).toMatch(/ · 2m05s of 4h$/)
    } finally {
      await clocked.close()
    }
  })

  it('prints a model error that stopped an agent, and a deep gate report only when it says something new', async () => {
    const run = await store.createRun({ goal: 'g', target: 'colony/main' })
    const red = (tip: string) => ({ runId: run.id, type: 'deep-gate-report' as const, data: { tip, status: 'red' as const, summary: '1 of 1 checks fail: npm test (red-from-start)', checks: [{ command: 'npm test', status: 'red-from-start', culprits: [] }], culprits: [] } })
    await store.appendEvents([
      { runId: run.id, taskId: null, type: 'agent-stopped', data: { reason: 'model-error', detail: 'scripted:agent: HTTP 401 from http://127.0.0.1:9/v1/chat/completions: invalid key', steps: 0, costUsd: 0 } },
      { runId: run.id, type: 'agent-stopped', data: { reason: 'steps', detail: 'reached the limit of 3 steps', steps: 3, costUsd: 0 } },
      red('a'),
      red('b'),
    ])
    const { stream, text } = capture(false)
    const view = createLiveView({ store, runId: run.id, output: stream, budget: {}, intervalMs: 60_000 })
    await view.stop()
    expect(text()).toContain('agent-stopped: model-error: scripted:agent: HTTP 401 from http://127.0.0.1:9/v1/chat/completions: invalid key · 0 steps')
    expect(text()).not.toContain('reached the limit of 3 steps')
    expect(text().match(/deep-gate-report: not green yet · npm test still failing as when the run started/g)).toHaveLength(1)
  })

  it('redraws in place on a terminal', async () => {
    const run = await store.createRun({ goal: 'g', target: 'colony/main' })
    const { stream, text } = capture(true)
    const view = createLiveView({ store, runId: run.id, output: stream, budget: {}, intervalMs: 60_000 })
    await view.refresh()
    await createBoard({ store }).addTask({ runId: run.id, title: 'later', createdBy: 'planner' })
    await view.stop()
    expect(text()).toContain(`\x1b[4F\x1b[J· task-created task 1: later`)
    expect(text()).toContain('stop with Ctrl-C or `colony stop`')
  })

  // What a model writes (titles, verdicts, activity) must not drive the terminal the view draws on.
  const hostile = 'a\x1b[2J\x07b\x1b]52;c;cm0gLXJmIH4=\x07c\u009b1;1Hd\u202eevil\nsecond line'
  // eslint-disable-next-line no-control-regex -- looking for control characters is the point
  const rawControl = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/

  it.each([false, true])('shows control characters from models visibly, never raw (terminal: %s)', async (isTTY) => {
    const run = await store.createRun({ goal: hostile, target: 'colony/main' })
    // Straight into the store: the board refuses such a title now, but a store written before that (or by another version) may hold one.
    await store.createTask({ runId: run.id, title: hostile, createdBy: 'planner' }, [{ type: 'task-created', data: { title: hostile, kind: 'work', status: 'ready', createdBy: 'planner', dependsOn: [] } }])
    const agent = await store.createAgent({ runId: run.id, role: 'worker', status: 'running' })
    await store.updateAgent(agent.id, agent.version, { activity: hostile })
    await store.appendEvents([{ runId: run.id, type: 'verdict', data: { cycle: 1, decision: 'done', reason: hostile } }])
    const { stream, text } = capture(isTTY)
    const view = createLiveView({ store, runId: run.id, output: stream, budget: {}, intervalMs: 60_000 })
    await view.stop()
    // The view's own redraw (cursor up, erase) is the only escape sequence it writes.
    // eslint-disable-next-line no-control-regex -- the redraw's own escape sequence is what is taken out
    const written = text().replaceAll(/\x1b\[\d+F\x1b\[J/g, '')
    expect(written).not.toMatch(rawControl)
    expect(written).toContain('task-created task 1: a\\x1b[2J\\x07b\\x1b]52;c;cm0gLXJmIH4=\\x07c\\x9b1;1Hd\\u202eevil⏎second line')
    expect(written).toContain('verdict: done: a\\x1b[2J')
    expect(written).toContain('colony run 1 — pending: a\\x1b[2J')
    expect(written).toContain(': a\\x1b[2J\\x07b')
  })
})
