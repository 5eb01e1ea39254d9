import type { ColonyConfig } from '../config/index.ts'
import { eventToJson, taskStatuses, type Run, type Store } from '../store/index.ts'

/** What `colony status --json` prints and `colony serve` answers at /api/status: the run, its tasks by status, live agents, spend, budget, latest events. */
export async function runSnapshot(store: Store, run: Run, budget: ColonyConfig['budget']) {
  const counts = await store.countTasksByStatus(run.id)
  const agents = await store.listAgents({ runId: run.id })
  const recent = (await store.listEvents({ runId: run.id })).slice(-8)
  return {
    run: { id: run.id, goal: run.goal, status: run.status, target: run.target, reason: run.reason, createdAt: new Date(run.createdAt).toISOString() },
    tasks: Object.fromEntries(taskStatuses.map((status) => [status, counts[status] ?? 0])) as Record<(typeof taskStatuses)[number], number>,
    agents: agents
      .filter((agent) => !['stopped', 'finished', 'failed'].includes(agent.status))
      .map((agent) => ({ id: agent.id, role: agent.role, status: agent.status, taskId: agent.taskId, model: agent.model, activity: agent.activity })),
    usage: await store.usageTotals({ runId: run.id }),
    budget,
    recentEvents: recent.map(eventToJson),
  }
}
