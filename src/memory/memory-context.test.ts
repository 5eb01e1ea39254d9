import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { estimateTokens } from '../agent/index.ts'
import type { Run, Store } from '../store/index.ts'
import { createTempStore } from '../../test/support/temp-store.ts'
import { memoryForPlanner, memoryForTask, scopePaths } from './memory-context.ts'

describe('memory in a role\'s first request', () => {
  let store: Store
  let run: Run
  let dispose: () => Promise<void>
  beforeEach(async () => {
    ;({ store, dispose } = await createTempStore())
    run = await store.createRun({ goal: 'g', target: 'colony/main' })
  })
  afterEach(async () => dispose())

  it('puts standing instructions, the task\'s failures, notes on its files and matching memories first, within the budget; standing ones take at most half', async () => {
    for (let index = 0; index < 30; index++) await store.addMemory({ kind: 'steer', role: 'person', standing: true, text: `Standing rule ${index}: ${'keep the build reproducible and the lockfile untouched '.repeat(4)}` })
    const task = await store.createTask({ runId: run.id, title: 'Fix date parsing', description: 'parseDate drops the offset', scope: ['src/dates/**'], createdBy: 'test' })
    const failure = await store.addMemory({ kind: 'failure', role: 'worker', taskId: task.id, text: 'Attempt 1 ended: the gate failed on the offset test' })
    const aboutFiles = await store.addMemory({ kind: 'note', role: 'worker', text: 'helpers here are pure functions', files: ['src/dates/format.ts'] })
    const matching = await store.addMemory({ kind: 'note', role: 'worker', text: 'parseDate is used by the importer too' })
    const unrelated = await store.addMemory({ kind: 'note', role: 'worker', text: 'the logo is an SVG' })

    const section = await memoryForTask(store, task, 1_000)
    expect(estimateTokens(section)).toBeLessThanOrEqual(1_000)
    for (const memory of [failure, aboutFiles, matching]) expect(section).toContain(`[memory ${memory.id}]`)
    expect(section).not.toContain(`[memory ${unrelated.id}]`)
    const standingShare = section.split('\n\n').filter((block) => block.includes('standing instruction by person')).join('\n\n')
    expect(standingShare.length).toBeGreaterThan(0)
    expect(estimateTokens(standingShare)).toBeLessThanOrEqual(500)
    expect(await memoryForTask(store, task, 0)).toBe('')
  })

  it('gives a planner the judge\'s verdicts, failures and handoffs that left concerns', async () => {
    const verdict = await store.addMemory({ kind: 'verdict', role: 'judge', text: 'continue (cycle 2): exports still missing' })
    const concern = await store.addMemory({ kind: 'handoff', role: 'worker', text: 'added truncate\nConcerns: unicode untested' })
    const quiet = await store.addMemory({ kind: 'handoff', role: 'worker', text: 'added slugify' })
    const section = await memoryForPlanner(store, { text: 'Add string utilities', scope: [] }, 1_500)
    expect(section).toContain(`[memory ${verdict.id}] verdict by judge`)
    expect(section).toContain(`[memory ${concern.id}]`)
    expect(section).not.toContain(`[memory ${quiet.id}]`)
  })

  it('turns scopes into the paths memory is filed under', () => {
    expect(scopePaths(['src/dates/**', 'README.md', '**/*.ts', 'docs/*.md', 'lib/a?.js'])).toEqual(['src/dates/', 'README.md', 'docs/', 'lib/'])
  })
})
