import type { Board } from '../../src/board/index.ts'
import type { Task } from '../../src/store/index.ts'

/** A work task taken through its attempt to a gated change a person approved: integrating, no owner, candidate `candidate`. */
export async function approvedMerge(board: Board, runId: number, candidate: string): Promise<Task> {
  const task = await board.addTask({ runId, title: 'approved', createdBy: 'test' })
  let held = (await board.claim({ runId, owner: 'worker' }))!
  held = await board.advance(held, 'running')
  held = await board.advance(held, 'integrating')
  await board.advance(held, 'awaiting_approval', { result: { awaiting: 'merge', candidate } })
  return board.transition(task.id, 'integrating', { actor: 'person' })
}
