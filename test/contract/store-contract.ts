import { execFile } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { IllegalTransitionError, LeaseLostError, createBoard, landingOwner } from '../../src/board/index.ts'
import { MemoryNotFoundError, TaskNotFoundError, VersionConflictError, openStore, type Run, type Store } from '../../src/store/index.ts'
import { approvedMerge } from '../support/approved-merge.ts'

const execFileAsync = promisify(execFile)
const raceChild = fileURLToPath(new URL('./race-child.ts', import.meta.url))

export interface StoreBackend {
  name: string
  /** A fresh, empty location (file path or URL) and how to dispose of it. */
  createLocation(): Promise<{ location: string; dispose(): Promise<void> }>
}

/**
 * The behaviour every store backend must have, run unchanged against each one
 * (SQLite, PostgreSQL): compare-and-swap updates, ordered events, search, and
 * the board's claims and leases across real OS processes.
 */
export function describeStoreContract(backend: StoreBackend) {
  describe(`store contract: ${backend.name}`, () => {
    let fresh: { location: string; dispose(): Promise<void> }
    let location: string
    let store: Store
    let run: Run
    let clock = 1_000_000
    const now = () => clock

    beforeEach(async () => {
      fresh = await backend.createLocation()
      location = fresh.location
      store = await openStore(location, { now })
      run = await store.createRun({ goal: 'test', target: 'colony/main' })
    })

    afterEach(async () => {
      await store.close()
      await fresh.dispose()
    })

    it('creates, reads and lists tasks with their dependencies', async () => {
      const first = await store.createTask({ runId: run.id, title: 'first', acceptance: ['npm test'], scope: ['src/**'], createdBy: 'test' })
      const second = await store.createTask({ runId: run.id, title: 'second', dependsOn: [first.id], createdBy: 'test', priority: 5 })
      expect(await store.getTask(second.id)).toMatchObject({ title: 'second', dependsOn: [first.id], status: 'ready', attempt: 1, version: 1 })
      expect((await store.listTasks({ runId: run.id })).map((task) => task.title)).toEqual(['second', 'first'])
      expect((await store.listTasks({ runId: run.id, dependenciesMerged: true })).map((task) => task.title)).toEqual(['first'])
      expect((await store.listTasks({ dependsOn: first.id })).map((task) => task.id)).toEqual([second.id])
      expect(await store.countTasksByStatus(run.id)).toEqual({ ready: 2 })
      await store.updateTask(first.id, 1, { status: 'claimed', owner: 'worker-1', leaseUntil: now() + 60_000 })
      expect((await store.listTasks({ runId: run.id, unowned: true })).map((task) => task.title)).toEqual(['second'])
      expect(await store.hasTasks({ runId: run.id, statuses: ['claimed'] })).toBe(true)
      expect(await store.hasTasks({ runId: run.id, statuses: ['merged', 'failed'] })).toBe(false)
      expect(await store.hasTasks({ runId: run.id, dependenciesMerged: true, statuses: ['ready'] })).toBe(false)
    })

    it('holds a named lock for one owner until it lets go or its time runs out', async () => {
      expect(await store.tryLock('landing:colony/main', 'a', 1_000)).toBe(true)
      expect(await store.tryLock('landing:colony/main', 'b', 1_000)).toBe(false)
      expect(await store.tryLock('landing:other', 'b', 1_000)).toBe(true)
      clock += 600
      expect(await store.tryLock('landing:colony/main', 'a', 1_000)).toBe(true) // its owner extends it
      clock += 600
      expect(await store.tryLock('landing:colony/main', 'b', 1_000)).toBe(false)
      expect(await store.lockHolder('landing:colony/main')).toBe('a')
      await store.unlock('landing:colony/main', 'b') // not b's to let go
      expect(await store.tryLock('landing:colony/main', 'b', 1_000)).toBe(false)
      await store.unlock('landing:colony/main', 'a')
      expect(await store.tryLock('landing:colony/main', 'b', 1_000)).toBe(true)
      clock += 1_001
      expect(await store.lockHolder('landing:colony/main')).toBeUndefined()
      expect(await store.tryLock('landing:colony/main', 'c', 1_000)).toBe(true) // b stopped renewing: expired
    })

    it('refuses a dependency on a missing task and creates nothing', async () => {
      await expect(store.createTask({ runId: run.id, title: 'orphan', dependsOn: [999], createdBy: 'test' })).rejects.toBeInstanceOf(TaskNotFoundError)
      expect(await store.listTasks()).toEqual([])
      expect(await store.listEvents()).toEqual([])
    })

    it('updates by compare-and-swap: a stale version is a typed error and changes nothing', async () => {
      const task = await store.createTask({ runId: run.id, title: 't', createdBy: 'test' })
      const updated = await store.updateTask(task.id, task.version, { priority: 3 }, [{ type: 'task-ready', data: { from: 'proposed' } }])
      expect(updated.version).toBe(2)
      const stale = store.updateTask(task.id, task.version, { priority: 9 }, [{ type: 'task-ready', data: { from: 'proposed' } }])
      await expect(stale).rejects.toBeInstanceOf(VersionConflictError)
      await expect(stale).rejects.toMatchObject({ expectedVersion: 1, actualVersion: 2 })
      expect((await store.getTask(task.id)).priority).toBe(3)
      expect((await store.listEvents({ taskId: task.id })).map((event) => event.type)).toEqual(['task-ready'])
      await expect(store.updateTask(404, 1, { priority: 1 })).rejects.toBeInstanceOf(TaskNotFoundError)
    })

    it('keeps events append-only and ordered, readable after an id', async () => {
      const appended = await store.appendEvents([{ runId: run.id, type: 'judge-started', data: { cycle: 1 } }, { runId: run.id, type: 'budget-exceeded', data: { reason: 'dollars' } }])
      await store.appendEvents([{ runId: run.id, type: 'judge-started', data: { cycle: 2 } }])
      const all = await store.listEvents({ runId: run.id })
      expect(all.map((event) => event.type)).toEqual(['judge-started', 'budget-exceeded', 'judge-started'])
      expect(all[1]?.data).toEqual({ reason: 'dollars' })
      expect((await store.listEvents({ afterId: appended[1]!.id })).map((event) => event.data)).toEqual([{ cycle: 2 }])
    })

    it('refuses an event outside the union, and writes nothing of its batch', async () => {
      // @ts-expect-error: the compiler refuses an unknown type too; the store must refuse it at runtime.
      await expect(store.appendEvents([{ runId: run.id, type: 'judge-started', data: { cycle: 1 } }, { runId: run.id, type: 'task-edited', data: {} }])).rejects.toThrow(/unknown event type "task-edited"/)
      // @ts-expect-error: cycle is a number.
      await expect(store.appendEvents([{ runId: run.id, type: 'judge-started', data: { cycle: 'one' } }])).rejects.toThrow(/judge-started: cycle: /)
      const task = await store.createTask({ runId: run.id, title: 't', createdBy: 'test' })
      // @ts-expect-error: a task-ready event says where the task came from.
      await expect(store.updateTask(task.id, task.version, { priority: 3 }, [{ type: 'task-ready', data: {} }])).rejects.toThrow(/task-ready: from: /)
      expect((await store.getTask(task.id)).priority).toBe(task.priority)
      expect(await store.listEvents({ runId: run.id })).toEqual([])
    })

    it('stores handoffs, transcripts, usage and agents', async () => {
      const task = await store.createTask({ runId: run.id, title: 't', createdBy: 'test' })
      const agent = await store.createAgent({ runId: run.id, role: 'worker', taskId: task.id, model: 'openai:gpt' })
      await expect(store.updateAgent(agent.id, agent.version + 1, { status: 'x' })).rejects.toBeInstanceOf(VersionConflictError)
      expect((await store.updateAgent(agent.id, agent.version, { status: 'running', activity: 'editing src/a.ts' })).activity).toBe('editing src/a.ts')
      await store.addHandoff({ runId: run.id, taskId: task.id, agentId: agent.id, summary: 'did it', concerns: 'none' })
      expect(await store.listHandoffs({ taskId: task.id })).toMatchObject([{ summary: 'did it', concerns: 'none' }])
      const plan = await store.createTask({ runId: run.id, title: 'plan', kind: 'plan', createdBy: 'test' })
      const child = await store.createTask({ runId: run.id, title: 'child', parentId: plan.id, createdBy: 'test' })
      const first = await store.addHandoff({ runId: run.id, taskId: child.id, summary: 'child did it' })
      await store.addHandoff({ runId: run.id, taskId: child.id, summary: 'child did more' })
      expect((await store.listHandoffs({ runId: run.id, parentId: plan.id })).map((handoff) => handoff.summary)).toEqual(['child did it', 'child did more'])
      expect((await store.listHandoffs({ runId: run.id, parentId: plan.id, afterId: first.id })).map((handoff) => handoff.summary)).toEqual(['child did more'])
      expect(await store.listHandoffs({ runId: run.id, parentId: child.id })).toEqual([])
      expect(await store.hasTasks({ parentId: plan.id, statuses: ['ready'] })).toBe(true)
      expect(await store.hasTasks({ parentId: child.id })).toBe(false)
      await store.appendTranscript(agent.id, [{ role: 'user', content: 'hi' }])
      await store.appendTranscript(agent.id, [{ role: 'assistant', content: [{ type: 'text', text: 'hello' }] }])
      expect((await store.getTranscript(agent.id)).map((entry) => [entry.seq, entry.role])).toEqual([[0, 'user'], [1, 'assistant']])
      await store.recordUsage({ runId: run.id, agentId: agent.id, taskId: task.id, model: 'm', inputTokens: 100, outputTokens: 20, costUsd: 0.25 })
      await store.recordUsage({ runId: run.id, agentId: agent.id, model: 'm', inputTokens: 50, outputTokens: 5, cachedTokens: 10, costUsd: 0.5 })
      expect(await store.usageTotals({ runId: run.id })).toEqual({ calls: 2, inputTokens: 150, outputTokens: 25, cachedTokens: 10, costUsd: 0.75 })
      expect((await store.usageTotals({ taskId: task.id })).costUsd).toBe(0.25)
    })

    it('keeps approval requests; only a pending one can be decided, once, by compare-and-swap', async () => {
      const request = await store.requestApproval({ runId: run.id, kind: 'command', subject: 'npm publish', detail: { rule: 'npm publish*' } }, [{ type: 'command-approval-requested', data: { command: 'npm publish' } }])
      expect(request).toMatchObject({ status: 'pending', version: 1, subject: 'npm publish', detail: { rule: 'npm publish*' } })
      expect((await store.listApprovals({ statuses: ['pending'] })).map((approval) => approval.id)).toEqual([request.id])
      const decided = await store.decideApproval(request.id, 1, { status: 'rejected', reason: 'not today', decidedBy: 'person' }, [{ type: 'command-rejected', data: { command: 'npm publish', reason: 'not today', actor: 'person' } }])
      expect(decided).toMatchObject({ status: 'rejected', reason: 'not today', decidedBy: 'person', version: 2 })
      await expect(store.decideApproval(request.id, 2, { status: 'approved', decidedBy: 'person' })).rejects.toBeInstanceOf(VersionConflictError)
      expect(await store.listApprovals({ statuses: ['pending'] })).toEqual([])
      expect((await store.listEvents({ types: ['command-approval-requested', 'command-rejected'] })).map((event) => [event.type, event.data.approvalId])).toEqual([
        ['command-approval-requested', request.id],
        ['command-rejected', request.id],
      ])
    })

    it('recalls memories by the stems of their words, best match first, with no query syntax reaching the engine', async () => {
      await store.addMemory({ kind: 'note', role: 'worker', runId: run.id, text: 'The parser lives in src/parse.ts and handles quoted strings', files: ['src/parse.ts'] })
      await store.addMemory({ kind: 'note', role: 'worker', runId: run.id, text: 'Run the integration tests with npm run test:e2e' })
      await store.addMemory({ kind: 'note', role: 'planner', runId: run.id, text: 'Parsers parsing: the parser suite is flaky when parsing quoted input' })
      const found = await store.recallMemories('parse')
      expect(found.map((memory) => memory.text)).toEqual([expect.stringContaining('flaky'), expect.stringContaining('src/parse.ts')])
      expect(found[0]!.score).toBeGreaterThan(found[1]!.score)
      expect(await store.recallMemories('integrating tested')).toHaveLength(1)
      expect(await store.recallMemories('"; drop table memories; --')).toEqual([])
      expect(await store.recallMemories('NEAR(parser quoted) OR *')).toHaveLength(2)
      expect(await store.recallMemories('   ')).toEqual([])
      expect((await store.recallMemories('parser', { kinds: ['note'], files: ['src/'] })).map((memory) => memory.files)).toEqual([['src/parse.ts']])
    })

    it('feeds memory from handoffs, verdicts, steering and ended attempts, with where each came from', async () => {
      const task = await store.createTask({ runId: run.id, title: 'Fix the tokenizer', scope: ['src/tokenize.ts', 'test/**'], createdBy: 'test' })
      const agent = await store.createAgent({ runId: run.id, role: 'worker', taskId: task.id, status: 'running', model: 'm' })
      await store.appendEvents([{ runId: run.id, taskId: task.id, type: 'task-claimed', data: { owner: 'w1', attempt: 1, leaseUntil: 5 } }])
      const output = ['$ npm test', ...Array.from({ length: 60 }, (_, index) => `ok ${index} passes`), 'FAIL test/tokenize.test.ts > splits words', 'AssertionError: expected [ "a b" ] to equal [ "a", "b" ]', '  at test/tokenize.test.ts:12:5', 'ok 61 passes']
      await store.appendEvents([
        { runId: run.id, taskId: task.id, agentId: agent.id, type: 'gate-failed', data: { stage: 'fast', output: output.join('\n') } },
        { runId: run.id, taskId: task.id, agentId: agent.id, type: 'merge-conflict', data: { files: ['src/tokenize.ts'] } },
      ])
      const [ended] = await store.appendEvents([{ runId: run.id, taskId: task.id, type: 'task-attempt-failed', data: { owner: 'w1', attempt: 1, maxAttempts: 3, reason: 'the worker stopped (steps)', next: 'ready' } }])
      const [failure] = await store.listMemories({ kinds: ['failure'] })
      expect(failure).toMatchObject({ role: 'worker', author: 'w1', taskId: task.id, runId: run.id, source: `event ${ended!.id}`, files: ['src/tokenize.ts'] })
      expect(failure!.text).toContain('Attempt 1 of task')
      expect(failure!.text).toContain('the worker stopped (steps)')
      expect(failure!.text).toContain('AssertionError: expected [ "a b" ]')
      expect(failure!.text).toContain('Conflicted with the target in: src/tokenize.ts')
      expect(failure!.text).not.toContain('ok 3 passes')

      const handoff = await store.addHandoff({ runId: run.id, taskId: task.id, agentId: agent.id, summary: 'tokenizer splits on spaces', concerns: 'tabs untested', data: { commit: 'abc123', files: ['src/tokenize.ts'] } })
      const [verdict] = await store.appendEvents([{ runId: run.id, type: 'verdict', data: { cycle: 1, decision: 'continue', reason: 'the tokenizer still mishandles tabs' } }])
      await store.appendEvents([{ runId: run.id, type: 'run-steered', data: { text: 'keep the public API unchanged', actor: 'alice' } }])
      const memories = await store.listMemories()
      expect(memories.map((memory) => [memory.kind, memory.role, memory.source])).toEqual([
        ['steer', 'person', expect.stringMatching(/^event \d+$/)],
        ['verdict', 'judge', `event ${verdict!.id}`],
        ['handoff', 'worker', `handoff ${handoff.id}`],
        ['failure', 'worker', `event ${ended!.id}`],
      ])
      expect(memories[0]).toMatchObject({ author: 'alice', text: 'keep the public API unchanged', standing: false })
      expect(memories[2]).toMatchObject({ text: 'tokenizer splits on spaces\nConcerns: tabs untested', commit: 'abc123', files: ['src/tokenize.ts'], agentId: agent.id })
      expect((await store.recallMemories('tabs', { kinds: ['verdict'] })).map((memory) => memory.id)).toEqual([memories[1]!.id])
      expect((await store.listMemories({ taskId: task.id })).map((memory) => memory.kind)).toEqual(['handoff', 'failure'])
    })

    it('marks memories about changed files stale (not the landing task\'s own), ranks them lower, and forgets on request', async () => {
      const own = await store.createTask({ runId: run.id, title: 'own', createdBy: 'test' })
      const file = await store.addMemory({ kind: 'note', role: 'worker', text: 'cache keys are lowercased', files: ['src/cache.ts'] })
      const directory = await store.addMemory({ kind: 'note', role: 'worker', text: 'every cache module logs its keys', files: ['src/'] })
      const elsewhere = await store.addMemory({ kind: 'note', role: 'worker', text: 'the cache docs are old', files: ['docs/cache.md'] })
      const byLander = await store.addMemory({ kind: 'note', role: 'worker', taskId: own.id, text: 'cache rewritten here', files: ['src/cache.ts'] })
      expect(await store.markMemoriesStale({ files: ['src/cache.ts', 'README.md'], commit: 'f00d', taskId: own.id })).toBe(2)
      expect((await store.getMemory(file.id)).stale).toEqual({ commit: 'f00d', files: ['src/cache.ts'], at: clock })
      expect((await store.getMemory(directory.id)).stale).toMatchObject({ files: ['src/cache.ts'] })
      expect((await store.getMemory(elsewhere.id)).stale).toBeNull()
      expect((await store.getMemory(byLander.id)).stale).toBeNull()
      const ranked = await store.recallMemories('cache')
      expect(ranked.slice(-2).map((memory) => memory.id).sort()).toEqual([file.id, directory.id].sort())

      const standing = await store.addMemory({ kind: 'steer', role: 'person', author: 'alice', text: 'never touch the cache TTL', standing: true }, (memory) => [{ type: 'memory-added', data: { memory: memory.id, kind: memory.kind, actor: 'alice' } }])
      expect((await store.listMemories({ standing: true })).map((memory) => memory.id)).toEqual([standing.id])
      expect((await store.listEvents({ types: ['memory-added'] })).map((event) => event.data.memory)).toEqual([standing.id])
      const forgotten = await store.forgetMemory(standing.id, 'bob', [{ type: 'memory-forgotten', data: { memory: standing.id, actor: 'bob' } }])
      expect(forgotten.forgotten).toEqual({ by: 'bob', at: clock })
      expect(await store.listMemories({ standing: true })).toEqual([])
      expect((await store.recallMemories('TTL')).length).toBe(0)
      expect((await store.recallMemories('TTL', { includeForgotten: true })).length).toBe(1)
      expect((await store.forgetMemory(standing.id, 'carol')).forgotten?.by).toBe('bob')
      await expect(store.forgetMemory(99_999, 'bob')).rejects.toBeInstanceOf(MemoryNotFoundError)
      await expect(store.getMemory(99_999)).rejects.toBeInstanceOf(MemoryNotFoundError)
    })

    it('lets two handles on the same location race without losing an update', async () => {
      const other = await openStore(location, { now })
      try {
        const task = await store.createTask({ runId: run.id, title: 't', createdBy: 'test' })
        const viaOther = await other.getTask(task.id)
        await store.updateTask(task.id, task.version, { priority: 1 })
        await expect(other.updateTask(viaOther.id, viaOther.version, { priority: 2 })).rejects.toBeInstanceOf(VersionConflictError)
        expect((await other.getTask(task.id)).priority).toBe(1)
      } finally {
        await other.close()
      }
    })

    describe('board', () => {
      it('claims by priority once dependencies merge, and refuses illegal transitions', async () => {
        const board = createBoard({ store, now, leaseMs: 1000 })
        const base = await board.addTask({ runId: run.id, title: 'base', createdBy: 'test' })
        const top = await board.addTask({ runId: run.id, title: 'top', createdBy: 'test', priority: 9, dependsOn: [base.id] })
        let claimed = await board.claim({ runId: run.id, owner: 'w1' })
        expect(claimed?.id).toBe(base.id)
        expect(await board.claim({ runId: run.id, owner: 'w2' })).toBeUndefined()
        claimed = await board.advance(claimed!, 'running')
        claimed = await board.advance(claimed, 'integrating')
        const merged = await board.advance(claimed, 'merged', { result: { commit: 'abc' } })
        expect(merged).toMatchObject({ status: 'merged', owner: null, result: { commit: 'abc' } })
        expect((await board.claim({ runId: run.id, owner: 'w2' }))?.id).toBe(top.id)

        const cancelMerged = board.cancel(base.id)
        await expect(cancelMerged).rejects.toBeInstanceOf(IllegalTransitionError)
        await expect(cancelMerged).rejects.toThrow(expect.objectContaining({ hint: expect.stringContaining('colony revert') as unknown }))
        expect((await store.getTask(base.id)).status).toBe('merged')
        await expect(board.cancel(12345)).rejects.toBeInstanceOf(TaskNotFoundError)
        const types = (await store.listEvents({ taskId: base.id })).map((event) => event.type)
        expect(types).toEqual(['task-created', 'task-claimed', 'task-started', 'task-integrating', 'task-merged'])
      })

      it('returns a task whose owner stopped heartbeating after its lease, and fails it after max attempts', async () => {
        const board = createBoard({ store, now, leaseMs: 1000 })
        const task = await board.addTask({ runId: run.id, title: 'flaky', createdBy: 'test', maxAttempts: 2 })
        const first = await board.claim({ runId: run.id, owner: 'w1' })
        clock += 500
        const beat = await board.heartbeat(first!)
        clock += 900
        expect(await board.expireLeases(run.id)).toEqual([])
        clock += 200
        expect(beat.leaseUntil).toBeLessThan(clock)
        const [expired] = await board.expireLeases(run.id)
        expect(expired).toMatchObject({ id: task.id, status: 'ready', attempt: 2, owner: null })
        await expect(board.heartbeat(beat)).rejects.toBeInstanceOf(LeaseLostError)

        const second = await board.claim({ runId: run.id, owner: 'w2' })
        const failed = await board.failAttempt(second!, 'tests keep failing: expected 3, got 4')
        expect(failed).toMatchObject({ status: 'failed', reason: 'tests keep failing: expected 3, got 4 (after 2 of 2 attempts)' })
        const events = await store.listEvents({ taskId: task.id })
        expect(events.map((event) => event.type)).toEqual([
          'task-created', 'task-claimed', 'task-lease-expired', 'task-ready', 'task-claimed', 'task-attempt-failed', 'task-failed',
        ])
        expect(events[2]?.data).toMatchObject({ owner: 'w1', reason: expect.stringContaining('stopped heartbeating') as unknown, next: 'ready' })

        const retried = await board.retry(task.id, 'fixed the flaky test', 'person')
        expect(retried).toMatchObject({ status: 'ready', attempt: 1, reason: expect.stringMatching(/^retried \(fixed the flaky test\); before that: .*after 2 of 2 attempts/) as unknown })
      })

      it('keeps an approved change approved when its lander stops: it waits, unowned, for the next lander', async () => {
        const board = createBoard({ store, now, leaseMs: 1000 })
        const task = await approvedMerge(board, run.id, 'abc')
        const landing = await board.adoptLanding(task, landingOwner('host:1:aa', 1))
        await expect(board.adoptLanding(landing, landingOwner('host:2:bb', 1))).rejects.toBeInstanceOf(LeaseLostError)

        clock += 1_500
        const [expired] = await board.expireLeases(run.id)
        expect(expired).toMatchObject({ id: task.id, status: 'integrating', owner: null, attempt: 1, result: { candidate: 'abc' } })
        const next = await board.adoptLanding(expired!, landingOwner('host:2:bb', 1))
        expect(next).toMatchObject({ status: 'integrating', owner: 'host:2:bb/landing-1' })
        const types = (await store.listEvents({ taskId: task.id })).map((event) => event.type)
        expect(types.slice(-4)).toEqual(['task-integrating', 'task-landing', 'task-landing-interrupted', 'task-landing'])
      })

      it('blocks dependents of a failed or cancelled task and unblocks them on retry', async () => {
        const board = createBoard({ store, now })
        const base = await board.addTask({ runId: run.id, title: 'base', createdBy: 'test' })
        const dependent = await board.addTask({ runId: run.id, title: 'dependent', createdBy: 'test', dependsOn: [base.id] })
        await board.transition(base.id, 'claimed', { actor: 'test' })
        await board.transition(base.id, 'failed', { reason: 'broken' })
        expect(await store.getTask(dependent.id)).toMatchObject({ status: 'blocked', reason: `dependency ${base.id} is failed` })
        await board.retry(base.id)
        expect((await store.getTask(dependent.id)).status).toBe('ready')
      })

      it('blocks indirect dependents too, and a task planned after its dependency failed, so no ready task waits forever', async () => {
        const board = createBoard({ store, now })
        const base = await board.addTask({ runId: run.id, title: 'base', createdBy: 'test' })
        const middle = await board.addTask({ runId: run.id, title: 'middle', createdBy: 'test', dependsOn: [base.id] })
        const leaf = await board.addTask({ runId: run.id, title: 'leaf', createdBy: 'test', dependsOn: [middle.id] })
        const other = await board.addTask({ runId: run.id, title: 'independent', createdBy: 'test' })
        await board.transition(base.id, 'claimed', { actor: 'test' })
        await board.transition(base.id, 'failed', { reason: 'broken' })
        expect(await store.getTask(middle.id)).toMatchObject({ status: 'blocked', reason: `dependency ${base.id} is failed` })
        expect(await store.getTask(leaf.id)).toMatchObject({ status: 'blocked', reason: `dependency ${middle.id} is blocked` })
        expect((await store.getTask(other.id)).status).toBe('ready')

        const late = await board.addTask({ runId: run.id, title: 'planned later', createdBy: 'test', dependsOn: [leaf.id] })
        expect(late).toMatchObject({ status: 'blocked', reason: `dependency ${leaf.id} is blocked` })

        await board.retry(base.id)
        for (const id of [middle.id, leaf.id, late.id]) expect((await store.getTask(id)).status).toBe('ready')
      })

      it('20 claimers in 20 OS processes over 200 tasks: each task claimed exactly once, no lost update', async () => {
        const board = createBoard({ store })
        for (let index = 0; index < 200; index++) await board.addTask({ runId: run.id, title: `task ${index}`, createdBy: 'test' })
        const reports = await Promise.all(
          Array.from({ length: 20 }, async (_, index) => {
            const { stdout } = await execFileAsync(process.execPath, [raceChild, 'claim', location, String(run.id), `claimer-${index}`])
            return JSON.parse(stdout) as { owner: string; claimed: number[]; errors: string[] }
          }),
        )
        expect(reports.flatMap((report) => report.errors)).toEqual([])
        const claimedIds = reports.flatMap((report) => report.claimed)
        expect(claimedIds).toHaveLength(200)
        expect(new Set(claimedIds).size).toBe(200)
        expect(reports.filter((report) => report.claimed.length > 0).length).toBeGreaterThan(1)

        const tasks = await store.listTasks({ runId: run.id })
        const ownerOf = new Map(reports.flatMap((report) => report.claimed.map((id) => [id, report.owner] as const)))
        for (const task of tasks) {
          // created (1) → claimed → running → integrating → merged: exactly four successful writes.
          expect(task).toMatchObject({ status: 'merged', version: 5, result: { commit: ownerOf.get(task.id) } })
        }
        const claims = await store.listEvents({ runId: run.id, types: ['task-claimed'] })
        expect(claims).toHaveLength(200)
        expect(new Set(claims.map((event) => event.taskId)).size).toBe(200)
      })

      it('20 processes incrementing one row by compare-and-swap lose no update', async () => {
        const task = await store.createTask({ runId: run.id, title: 'counter', createdBy: 'test' })
        const reports = await Promise.all(
          Array.from({ length: 20 }, async () => {
            const { stdout } = await execFileAsync(process.execPath, [raceChild, 'increment', location, String(task.id), '10'])
            return JSON.parse(stdout) as { conflicts: number; errors: string[] }
          }),
        )
        expect(reports.flatMap((report) => report.errors)).toEqual([])
        expect(await store.getTask(task.id)).toMatchObject({ priority: 200, version: 201 })
      })

      it('8 processes taking turns by the named lock: never two at once, so no increment ever meets a conflict', async () => {
        const task = await store.createTask({ runId: run.id, title: 'counter', createdBy: 'test' })
        const reports = await Promise.all(
          Array.from({ length: 8 }, async () => {
            const { stdout } = await execFileAsync(process.execPath, [raceChild, 'locked', location, String(task.id), '10'])
            return JSON.parse(stdout) as { conflicts: number; errors: string[] }
          }),
        )
        expect(reports.flatMap((report) => report.errors)).toEqual([])
        expect(reports.map((report) => report.conflicts)).toEqual(Array(8).fill(0))
        expect(await store.getTask(task.id)).toMatchObject({ priority: 80, version: 81 })
      })
    })
  })
}
