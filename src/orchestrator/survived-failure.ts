import { newEvent, type EventData, type SurvivedFailureType } from '../events/index.ts'
import type { Store } from '../store/index.ts'

/**
 * Records a failure the run survives on purpose (a worktree that could not be
 * removed, a task that could not be handed back while stopping, a deep-gate
 * check that broke) as an event with the error's message, so that a person
 * sees it in `colony events` and on the dashboard instead of never.
 *
 * @example
 * await workspaces.removeDetached('judge').catch((error: unknown) =>
 *   recordSurvivedFailure(store, { runId, type: 'worktree-removal-failed', data: { worktree: 'judge' } }, error))
 */
export async function recordSurvivedFailure<T extends SurvivedFailureType>(
  store: Store,
  event: { runId: number; taskId?: number; type: T; data: Omit<EventData<T>, 'error' | 'name'> },
  error: unknown,
): Promise<void> {
  // TypeScript cannot see that the data of T plus error and name is the data of T.
  const data = { ...event.data, error: error instanceof Error ? error.message : String(error), ...(error instanceof Error && { name: error.name }) } as EventData<T>
  try {
    await store.appendEvents([newEvent(event.type, data, { runId: event.runId, ...(event.taskId !== undefined && { taskId: event.taskId }) })])
  } catch {
    // The store refused the event, so the store itself is failing: every caller
    // is on a path that survives on purpose (cleanup, shutdown, a background
    // check), and whatever reads the store next (the supervisor's loop, the
    // command's closing summary) fails with the store's own error.
  }
}
