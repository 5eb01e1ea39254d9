import type { TargetCommit } from '../git/index.ts'
import type { Run, Store } from '../store/index.ts'
import { runTitle, shortened } from './run-result.ts'

/**
 * The message of the merge commit `colony adopt` makes: the target merged,
 * the goal of each run whose tasks come in, and those tasks (id, title,
 * commit), oldest first. `fallback` is the run named when no incoming commit
 * carries a task of the store's (e.g. only reverts come in).
 *
 * @example
 *   Merge colony/main: Add CSV export to reports
 *
 *   Run 3: Add CSV export to reports
 *
 *   Tasks merged:
 *   - 7: Add the CSV writer (1a2b3c4d5e6f)
 */
export async function adoptionMessage(store: Store, target: string, incoming: TargetCommit[], fallback: Run): Promise<string> {
  const oldestFirst = [...incoming].reverse()
  const runs = new Map<number, Run>()
  for (const commit of oldestFirst) {
    if (commit.taskId === undefined) continue
    const task = await store.findTask(commit.taskId)
    if (task && !runs.has(task.runId)) runs.set(task.runId, await store.getRun(task.runId))
  }
  if (runs.size === 0) runs.set(fallback.id, fallback)
  const named = [...runs.values()]
  const lines = [`Merge ${target}: ${runTitle(named.at(-1) ?? fallback)}`, '']
  for (const run of named) lines.push(`Run ${run.id}: ${run.goal ? shortened(run.goal, 2_000) : '(no goal)'}`, '')
  const tasks = oldestFirst.filter((commit) => commit.taskId !== undefined)
  if (tasks.length > 0) lines.push('Tasks merged:', ...tasks.map((commit) => `- ${commit.taskId}: ${commit.subject} (${commit.commit.slice(0, 12)})`))
  const reverts = oldestFirst.filter((commit) => commit.revertsTask !== undefined)
  if (reverts.length > 0) lines.push('', 'Tasks reverted:', ...reverts.map((commit) => `- ${commit.revertsTask} (${commit.commit.slice(0, 12)})`))
  const others = oldestFirst.length - tasks.length - reverts.length
  if (others > 0) lines.push('', `and ${others} other commit${others === 1 ? '' : 's'}`)
  return `${lines.join('\n').trimEnd()}\n`
}
