import type { Command } from 'commander'
import { assertTargetUsable } from '../../repository/index.ts'
import { taskStatuses } from '../../store/index.ts'
import { terminalText } from '../../terminal/index.ts'
import { formatEventLine, formatTable, formatTime, printJson } from '../format.ts'
import { withSession } from '../session.ts'

/** When the run's clock started (its latest `colony run`) and how long that ran, or that it has not started. */
function describeClock(run: { startedAt: string | null; endedAt: string | null }): string {
  if (run.startedAt === null) return 'not started yet'
  const startedAt = Date.parse(run.startedAt)
  const minutes = Math.round(((run.endedAt === null ? Date.now() : Date.parse(run.endedAt)) - startedAt) / 60_000)
  const lasted = minutes < 60 ? `${minutes} min` : `${(minutes / 60).toFixed(1)} h`
  return `started ${formatTime(startedAt)}, ${run.endedAt === null ? `${lasted} so far` : `ended after ${lasted}`}`
}

export function registerStatus(program: Command): void {
  program
    .command('status')
    .description('the current run: tasks by status, agents, spend, latest events')
    .option('--json', 'machine-readable output (see docs/cli.md)')
    .action(async (options: { json?: boolean }) => {
      await withSession(process.cwd(), async ({ store, run, layout, config }) => {
        await assertTargetUsable(layout, config, run)
        // PERF: the orchestrator loads only for a status there is to show.
        const { runSnapshot } = await import('../../launch/index.ts')
        const snapshot = await runSnapshot(store, run, config.budget)
        if (options.json) return printJson({ repository: layout.root, ...snapshot })
        const { tasks, usage } = snapshot
        const active = snapshot.agents
        const recent = (await store.listEvents({ runId: run.id })).slice(-8)
        const taskLine = taskStatuses.filter((status) => tasks[status]).map((status) => `${status} ${tasks[status]}`).join(', ')
        const budget = [config.budget.usd !== undefined && `$${config.budget.usd}`, config.budget.tokens !== undefined && `${config.budget.tokens} tokens`, config.budget.hours !== undefined && `${config.budget.hours} h`]
          .filter(Boolean)
          .join(', ')
        const lines = [
          terminalText(`run ${run.id}: ${run.status}${run.goal ? ` — ${run.goal}` : ''}${run.reason ? ` (${run.reason})` : ''}`),
          `  target:  ${run.target}    ${describeClock(snapshot.run)}`,
          `  tasks:   ${taskLine || 'none yet (add one with colony task add)'}`,
          `  spend:   $${usage.costUsd.toFixed(4)} over ${usage.calls} model calls, ${usage.inputTokens + usage.outputTokens} tokens${budget ? ` (budget ${budget})` : ''}`,
          terminalText(`  processes: ${snapshot.processes.length === 0 ? 'none' : snapshot.processes.map((process) => `${process.command} ${process.instance} (${process.workers} workers)`).join('; ')}`),
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
        if (snapshot.hint) lines.push(`  ${snapshot.hint}`)
        process.stdout.write(`${lines.join('\n')}\n`)
      })
    })
}
