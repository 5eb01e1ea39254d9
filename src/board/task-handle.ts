import type { Task, TaskStatus } from '../store/index.ts'
import type { Board } from './board.ts'

/**
 * One owner's grip on a claimed task. Heartbeats and the owner's own moves go
 * through one queue, so the owner never races itself (a heartbeat landing
 * between reading and moving the task would otherwise look like a lost lease).
 */
export interface TaskHandle {
  readonly task: Task
  heartbeat(): Promise<Task>
  advance(to: TaskStatus, details?: Parameters<Board['advance']>[2]): Promise<Task>
  failAttempt(reason: string): Promise<Task>
  release(reason: string): Promise<Task>
}

export function createTaskHandle(board: Board, claimed: Task): TaskHandle {
  let current = claimed
  let queue: Promise<unknown> = Promise.resolve()
  const serialized = (action: () => Promise<Task>): Promise<Task> => {
    const next = queue.then(action).then((task) => (current = task))
    // The queue only orders the actions: a failed one reaches its caller through `next`, and the next action still runs.
    queue = next.catch(() => undefined)
    return next
  }
  return {
    get task() {
      return current
    },
    heartbeat: () => serialized(() => board.heartbeat(current)),
    advance: (to, details) => serialized(() => board.advance(current, to, details)),
    failAttempt: (reason) => serialized(() => board.failAttempt(current, reason)),
    release: (reason) => serialized(() => board.release(current, reason)),
  }
}
