import { z } from 'zod'
import { defineTool, readModelText, type ToolOutcome } from '../agent/index.ts'
import { taskFieldProblem, type Board } from '../board/index.ts'
import type { Store, Task } from '../store/index.ts'

const description = readModelText(new URL('./create-tasks-tool.txt', import.meta.url))

const taskInput = z.object({
  title: z.string().min(3, 'give the task a title a person can read'),
  description: z.string().describe('what to do and why; what the worker needs to know'),
  // Emptiness, length and where a scope leads are the board's rules (taskFieldProblem), which word them for the model.
  acceptance: z.array(z.string()).describe('shell commands that pass only when the task is done'),
  scope: z.array(z.string()).optional().describe('path globs the change may touch, e.g. "src/date/**"'),
  depends_on: z.array(z.union([z.string(), z.number().int()])).optional().describe('titles from this call, or ids of existing tasks'),
  kind: z.enum(['work', 'plan']).optional().describe('"plan" for a large area a sub-planner will split'),
})

/**
 * `create_tasks`: a planner's tasks become children of its plan task, in one
 * go; `depends_on` may name titles from the same call. Everything is checked
 * before anything is created, so a bad call creates nothing.
 */
export function createTasksTool(options: { store: Store; board: Board; plan: Task; createdBy: string; awaitApproval: boolean; maxAttempts: number; onCreated: (tasks: Task[]) => void }) {
  return defineTool({
    name: 'create_tasks',
    description,
    inputSchema: z.object({ tasks: z.array(taskInput).min(1) }),
    async execute({ tasks }) {
      const refuse = (problem: string): ToolOutcome => ({ output: `${problem}; nothing was created. Fix it and call create_tasks again with all the tasks.`, failed: true })
      const titles = new Set<string>()
      for (const [index, task] of tasks.entries()) {
        const problem = taskFieldProblem({ title: task.title, description: task.description, acceptance: task.acceptance, scope: task.scope ?? [] })
        if (problem) return refuse(`task ${index + 1} (${JSON.stringify(task.title.slice(0, 80))}): ${problem.problem} (${problem.hint})`)
        if (titles.has(task.title)) return refuse(`two tasks are titled "${task.title}"; titles must be unique within one call`)
        titles.add(task.title)
      }
      const existing = await options.store.listTasks({ runId: options.plan.runId })
      const byTitle = new Map(existing.map((task) => [task.title, task.id]))
      for (const task of tasks) {
        for (const dependency of task.depends_on ?? []) {
          if (typeof dependency === 'number' ? !existing.some((other) => other.id === dependency) : !titles.has(dependency) && !byTitle.has(dependency)) {
            return refuse(`"${task.title}" depends on ${JSON.stringify(dependency)}, which is neither a title in this call nor an existing task`)
          }
        }
      }
      // A task this plan already has (same title, not cancelled) is not created twice: a planner
      // turn cut short by a crash runs again, and a model may propose the same task again.
      const mine = new Map(existing.filter((task) => task.parentId === options.plan.id && task.status !== 'cancelled').map((task) => [task.title, task.id]))
      const kept = tasks.filter((task) => mine.has(task.title)).map((task) => `${mine.get(task.title)} "${task.title}"`)
      // Created in dependency order, so every depends_on names a task that already exists; the order is found first, so a cycle creates nothing.
      const known = new Set(byTitle.keys())
      const pending = tasks.filter((task) => !mine.has(task.title))
      const ordered: typeof pending = []
      while (pending.length > 0) {
        const index = pending.findIndex((task) => (task.depends_on ?? []).every((dependency) => typeof dependency === 'number' || known.has(dependency) || !titles.has(dependency)))
        if (index === -1) return refuse(`the depends_on of ${pending.map((task) => `"${task.title}"`).join(', ')} form a cycle`)
        const [task] = pending.splice(index, 1)
        known.add(task!.title)
        ordered.push(task!)
      }
      const created: Task[] = []
      for (const task of ordered) {
        const dependsOn = (task.depends_on ?? []).map((dependency) => (typeof dependency === 'number' ? dependency : byTitle.get(dependency)!))
        const row = await options.board.addTask({
          runId: options.plan.runId,
          parentId: options.plan.id,
          kind: task.kind ?? 'work',
          title: task.title,
          description: task.description,
          acceptance: task.acceptance,
          scope: task.scope ?? [],
          dependsOn,
          createdBy: options.createdBy,
          maxAttempts: options.maxAttempts,
          ...(options.awaitApproval && { status: 'awaiting_approval' as const }),
        })
        byTitle.set(row.title, row.id)
        created.push(row)
      }
      options.onCreated(created)
      const waiting = options.awaitApproval && created.length > 0 ? ' They wait for a person\'s approval (approval.plan is on).' : ''
      const already = kept.length > 0 ? ` Already on the board, not created again: ${kept.join(', ')}.` : ''
      return `created ${created.map((task) => `${task.id} "${task.title}"`).join(', ') || 'nothing new'}.${already}${waiting}`
    },
  })
}
