import { changedByAnother, createTaskHandle, isLandingOwner, leasedStatuses, ownerIsGone, type Board } from '../board/index.ts'
import type { Store, Task } from '../store/index.ts'

const recoveredPrefix = 'recovered after its holder '

/** A task released by recovery after its holder died: its next attempt resumes what that one left. */
export function wasRecovered(task: Task): boolean {
  return task.reason?.startsWith(recoveredPrefix) === true
}

export interface RecoveryOptions {
  store: Store
  board: Board
  runId: number
  /** This process's instance id: holders on this host whose process is gone are known dead. */
  instanceId: string
  /** Finds the target commit that already carries `Colony-Task: <id>`. */
  findLandedCommit?: ((taskId: number) => Promise<string | undefined>) | undefined
}

/**
 * Takes back at once the tasks whose holder is known dead (same host, process
 * gone) instead of waiting for their leases: a change that landed before the
 * crash is recorded merged, an approved change whose lander died waits for the
 * next lander, and anything else goes back to ready to be resumed.
 */
export async function recoverHeldTasks(options: RecoveryOptions): Promise<void> {
  const { store, board, runId, instanceId, findLandedCommit } = options
  const held = await store.listTasks({ runId, statuses: leasedStatuses })
  for (const task of held) {
    if (!task.owner || !ownerIsGone(task.owner, instanceId)) continue
    const landed = task.kind === 'work' && findLandedCommit ? await findLandedCommit(task.id) : undefined
    const handle = createTaskHandle(board, task)
    try {
      if (landed && task.status === 'integrating') {
        await handle.advance('merged', { result: { ...task.result, commit: landed }, data: { recovered: true } })
      } else if (task.status === 'integrating' && isLandingOwner(task.owner)) {
        await board.interruptLanding(task, `its lander ${task.owner} stopped`)
      } else {
        await handle.release(`${recoveredPrefix}${task.owner} stopped`)
      }
    } catch (error) {
      if (!changedByAnother(error)) throw error
    }
  }
}
