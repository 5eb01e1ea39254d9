import type { Command } from 'commander'
import { taskStatuses } from '../../store/index.ts'
import { eventToJson, formatEventLine, formatTable, formatTime, printJson } from '../format.ts'
import { withSession } from '../session.ts'

export function registerStatus(program: Command): void {
  program
    .command('status')
    .description('the current run: tasks by status, agents, spend, latest events')
    .option('--json', 'machine-readable output (see docs/cli.md)')
    .action(async (options: { json?: boolean }) => {
      await withSession(process.cwd(), async ({ store, run, layout, config }) => {
        const counts = await store.countTasksByStatus(run.id)
        const agents = await store.listAgents({ runId: run.id })
        const active = agents.filter((agent) => !['stopped', 'finished', 'failed'].includes(agent.status))
        const usage = await store.usageTotals({ runId: run.id })
        const recent = (await store.listEvents({ runId: run.id })).slice(-8)
        const tasks = Object.fromEntries(taskStatuses.map((status) => [status, counts[status] ?? 0]))
        if (options.json) {
          printJson({
            repository: layout.root,
            run: { id: run.id, goal: run.goal, status: run.status, target: run.target, reason: run.reason, createdAt: new Date(run.createdAt).toISOString() },
            tasks,
            agents: active.map((agent) => ({ id: agent.id, role: agent.role, status: agent.status, taskId: agent.taskId, model: agent.model, activity: agent.activity })),
            usage,
            budget: config.budget,
            recentEvents: recent.map(eventToJson),
          })
          return
        }
        const taskLine = taskStatuses.filter((status) => tasks[status]).map((status) => `${status} ${tasks[status]}`).join(', ')
        const budget = [config.budget.usd !== undefined && `$${config.budget.usd}`, config.budget.tokens !== undefined && `${config.budget.tokens} tokens`, config.budget.hours !== undefined && `${config.budget.hours} h`]
          .filter(Boolean)
          .join(', ')
        const lines = [
          `run ${run.id}: ${run.status}${run.goal ? ` — ${run.goal}` : ''}${run.reason ? ` (${run.reason})` : ''}`,
          `  target:  ${run.target}    started ${formatTime(run.createdAt)}`,
          `  tasks:   ${taskLine || 'none yet (add one with colony task add)'}`,
          `  spend:   $${usage.costUsd.toFixed(4)} over ${usage.calls} model calls, ${usage.inputTokens + usage.outputTokens} tokens${budget ? ` (budget ${budget})` : ''}`,
          `  agents:  ${active.length === 0 ? 'none running' : ''}`,
        ]
        if (active.length > 0) {
          lines.push(
            formatTable(
              ['ID', 'ROLE', 'STATUS', 'TASK', 'DOING'],
              active.map((agent) => [String(agent.id), agent.role, agent.status, agent.taskId === null ? '-' : String(agent.taskId), agent.activity ?? '']),
            )
              .split('\n')
              .map((line) => `    ${line}`)
              .join('\n'),
          )
        }
        if (recent.length > 0) lines.push('  latest events:', ...recent.map((event) => `    ${formatEventLine(event)}`))
        process.stdout.write(`${lines.join('\n')}\n`)
      })
    })
}
