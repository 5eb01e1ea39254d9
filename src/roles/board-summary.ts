import type { Store } from '../store/index.ts'

/** The run's tasks as a planner or the judge reads them: id, status, kind, parent, title, and why when it matters. */
export async function boardSummary(store: Store, runId: number): Promise<string> {
  const tasks = await store.listTasks({ runId })
  if (tasks.length === 0) return '(no tasks yet)'
  return tasks
    .sort((a, b) => a.id - b.id)
    .map((task) => `- ${task.id} [${task.status}] ${task.kind === 'plan' ? '(plan) ' : ''}${task.title}${task.parentId ? ` (part of ${task.parentId})` : ''}${task.dependsOn.length > 0 ? ` after ${task.dependsOn.join(', ')}` : ''}${task.reason && ['failed', 'blocked', 'reverted', 'cancelled'].includes(task.status) ? ` — ${task.reason}` : ''}`)
    .join('\n')
}
