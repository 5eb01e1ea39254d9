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
export async function recordSurvivedFailure(store: Store, event: { runId: number; taskId?: number; type: string; data?: Record<string, unknown> }, error: unknown): Promise<void> {
  const data = { ...event.data, error: error instanceof Error ? error.message : String(error), ...(error instanceof Error && { name: error.name }) }
  try {
    await store.appendEvents([{ runId: event.runId, type: event.type, data, ...(event.taskId !== undefined && { taskId: event.taskId }) }])
  } catch {
    // The store refused the event, so the store itself is failing: every caller
    // is on a path that survives on purpose (cleanup, shutdown, a background
    // check), and whatever reads the store next (the supervisor's loop, the
    // command's closing summary) fails with the store's own error.
  }
}
