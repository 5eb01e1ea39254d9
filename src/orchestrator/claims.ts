import { setImmediate } from 'node:timers/promises'
import { changedByAnother, createTaskHandle, leasedStatuses, type Board } from '../board/index.ts'
import type { Store, Task } from '../store/index.ts'
import type { PlannerTurns } from './planner-turns.ts'
import { wasRecovered } from './recovery.ts'
import type { Roles } from './role-contract.ts'
import { scopesOverlap } from './scope-overlap.ts'
import type { SlotPool } from './slots.ts'

export interface ClaimsOptions {
  store: Store
  board: Board
  runId: number
  roles: Roles
  slots: SlotPool
  planners: PlannerTurns
  /** Let tasks whose scopes overlap run at the same time. */
  allowOverlap?: boolean | undefined
}

/** How long claiming goes on before it lets the event loop take a turn. */
const claimingSliceMs = 20

/**
 * What free slots take on: ready tasks claimed from the board (a work task
 * gets a worker attempt, a plan task its planner's first turn), and approved
 * merges adopted by compare-and-swap to be landed.
 */
export function createClaims(options: ClaimsOptions) {
  const { store, board, runId, roles, slots, planners } = options

  function startWorker(task: Task, owner: string) {
    const handle = createTaskHandle(board, task)
    slots.startHeld(handle, async (signal) => {
      await handle.advance('running')
      const run = await store.getRun(runId)
      const outcome = await roles.work({ run, handle, owner, signal, resume: wasRecovered(task) })
      if (!outcome.merged && !('awaitingApproval' in outcome)) await slots.settleFailure(handle, signal, new Error(outcome.reason))
    })
  }

  return {
    /** Claims ready tasks of `kinds` until the slots are full; work whose scope overlaps work in flight waits (unless allowOverlap). */
    async fill(capacity: number, kinds: readonly Task['kind'][] = ['plan', 'work']) {
      // Read only once a ready task is there to compare: the slots are full or nothing is ready on most loops.
      let busyScopes: (readonly string[])[] | undefined
      const overlapsBusy = async (candidate: Task) => {
        if (!busyScopes) {
          const inFlight = await store.listTasks({ runId, statuses: leasedStatuses })
          busyScopes = inFlight.filter((task) => task.kind === 'work' && !planners.isWaiting(task.id)).map((task) => task.scope)
        }
        return busyScopes.some((scope) => scopesOverlap(scope, candidate.scope))
      }
      let sinceTurn = performance.now()
      while (slots.size < capacity) {
        const owner = slots.nextOwner()
        const task = await board.claim({
          runId,
          owner,
          kinds,
          accept: async (candidate) => candidate.kind === 'plan' || options.allowOverlap === true || !(await overlapsBusy(candidate)),
        })
        if (!task) return
        if (task.kind === 'work') {
          busyScopes?.push(task.scope)
          startWorker(task, owner)
        } else {
          await planners.first(task)
        }
        // SQLite answers synchronously, so claiming is one chain of promises that never waits for I/O: without a
        // turn of the event loop now and then, a thousand claims ran for seconds in which no mount, process or model
        // reply that the workers already started could be heard finishing (a workspace's mount took 1.2 s to be
        // seen). A turn after every claim was too many: when the loop is busy, each waits for all of it.
        if (performance.now() - sinceTurn >= claimingSliceMs) {
          await setImmediate()
          sinceTurn = performance.now()
        }
      }
    },

    /** Approved merges (integrating, no owner): adopted by compare-and-swap and landed. */
    async landApproved(capacity: number) {
      if (!roles.land) return
      for (const task of await store.listTasks({ runId, statuses: ['integrating'], unowned: true })) {
        if (slots.size >= capacity) return
        if (task.owner !== null || slots.has(task.id)) continue
        let adopted: Task
        try {
          adopted = await board.adoptLanding(task, slots.nextLander())
        } catch (error) {
          if (changedByAnother(error)) continue
          throw error
        }
        const handle = createTaskHandle(board, adopted)
        slots.startHeld(handle, async (signal) => {
          const outcome = await roles.land!({ run: await store.getRun(runId), handle, signal })
          if (!outcome.merged && 'reason' in outcome) await handle.release(`the approved change could not land: ${outcome.reason}`)
        })
      }
    },
  }
}

export type Claims = ReturnType<typeof createClaims>
