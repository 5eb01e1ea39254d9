/**
 * A task's reason, when it still explains its status. The store keeps the
 * last one given (a failed gate's, a rejection's) until another replaces it;
 * once a change is gated or merged, an old reason only misleads.
 */
export function shownReason(task: { status: string; reason: string | null }): string | null {
  return task.status === 'merged' || task.status === 'awaiting_approval' ? null : task.reason
}
