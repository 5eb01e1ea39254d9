import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createTempStore } from '../../test/support/temp-store.ts'
import type { Run, Store } from '../store/index.ts'
import { moveRun, runMoves } from './run-lifecycle.ts'

// The store is real; `racing` runs another process's change just before the
// move's own write, so that write meets a version that moved under it.
describe('run lifecycle', () => {
  let temp: { store: Store; dispose(): Promise<void> }
  let run: Run

  beforeEach(async () => {
    temp = await createTempStore()
    run = await temp.store.createRun({ goal: 'build textkit', target: 'colony/main' })
    run = await moveRun(temp.store, run.id, runMoves.start('test'))
  })
  afterEach(() => temp.dispose())

  function racing(store: Store, before: () => Promise<unknown>): Store {
    let raced = false
    return new Proxy(store, {
      get(target, key) {
        if (key === 'updateRun') {
          return async (...args: Parameters<Store['updateRun']>) => {
            if (!raced) {
              raced = true
              await before()
            }
            return target.updateRun(...args)
          }
        }
        const value: unknown = Reflect.get(target, key)
        return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value
      },
    })
  }

  const runEvents = async () => (await temp.store.listEvents({ runId: run.id })).filter((event) => event.type.startsWith('run-') && event.type !== 'run-started').map((event) => [event.type, 'from' in event.data ? event.data.from : undefined])

  it('a person who stops the run while Colony pauses it for a checked-out target wins', async () => {
    const store = racing(temp.store, () => moveRun(temp.store, run.id, runMoves.stop('person')))
    const after = await moveRun(store, run.id, runMoves.pause('colony', 'the target is checked out'))
    expect(after.status).toBe('stopping')
    expect(await runEvents()).toEqual([['run-stop-requested', 'running']])
  })

  it('a change that only moved the run version (a new goal) does not stop the pause', async () => {
    const store = racing(temp.store, () => temp.store.updateRun(run.id, run.version, { goal: 'build textkit, documented' }))
    const after = await moveRun(store, run.id, runMoves.pause('person'))
    expect(after).toMatchObject({ status: 'paused', goal: 'build textkit, documented' })
    expect(await runEvents()).toEqual([['run-paused', 'running']])
  })

  it('a run another process ended stays as that process left it', async () => {
    await moveRun(temp.store, run.id, runMoves.end('done', 'the goal is met', 1))
    const after = await moveRun(temp.store, run.id, runMoves.end('failed', 'a late error', 1))
    expect(after).toMatchObject({ status: 'done', reason: 'the goal is met' })
    expect(await runEvents()).toEqual([['run-done', 'running']])
  })
})
