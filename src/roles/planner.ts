import { createFinishTool, listFilesTool, noteTool, readFileTool, runCommandTool, searchTool } from '../agent/index.ts'
import { buildSystemPrompt, readModelText } from '../agent/index.ts'
import { checksFromReportEvent, describeFailingChecks, isFailing } from '../gate/index.ts'
import { targetTip } from '../git/index.ts'
import { recordSurvivedFailure, type PlannerOutcome, type PlannerTurn } from '../orchestrator/index.ts'
import { memoryForPlanner, recallTool } from '../memory/index.ts'
import type { Task } from '../store/index.ts'
import { cliPlannerSpec } from '../agents/index.ts'
import { runRoleAgent } from './agent-session.ts'
import { planWithCli } from './cli-planner.ts'
import { boardSummary } from './board-summary.ts'
import { createTasksTool } from './create-tasks-tool.ts'
import type { RoleContext } from './role-context.ts'

const instructions = readModelText(new URL('./planner.md', import.meta.url))

/**
 * A planner turn: a fresh agent each turn, given the goal (or its plan
 * task's area), the board, the handoffs that arrived, people's steering and
 * its scratchpad, which its `finish` summary replaces. Planners read code but
 * write none. A turn that creates no tasks says the plan is complete.
 */
export function createPlanner(context: RoleContext) {
  const { store, board, config } = context
  return async function plan(turn: PlannerTurn): Promise<PlannerOutcome> {
    const task = turn.handle.task
    const scratch = turn.fresh ? undefined : (await store.listEvents({ taskId: task.id, types: ['planner-scratchpad'] })).at(-1)
    const tip = await targetTip(context.git, config)
    if (!tip) throw new Error(`the target branch ${config.target} does not exist`)
    const workspace = await context.workspaces.openDetached(`planner-${task.id}`, tip)
    const created: Task[] = []
    const gateReport = (await store.listEvents({ runId: task.runId, types: ['deep-gate-report'] })).at(-1)
    const stillFailing = gateReport ? checksFromReportEvent(gateReport.data).filter(isFailing) : []
    const sections = [
      task.parentId === null ? `# The goal\n\n${turn.run.goal ?? task.description}` : `# Your area (plan task ${task.id}, part of the goal "${turn.run.goal ?? ''}")\n\n${task.title}\n\n${task.description}`,
      `# The board\n\n${await boardSummary(store, task.runId)}`,
      ...[await memoryForPlanner(store, { text: task.parentId === null ? (turn.run.goal ?? task.description) : `${task.title} ${task.description}`, scope: task.scope }, config.context.memoryTokens)].filter(Boolean),
      ...(turn.handoffs.length > 0 ? [`# Handoffs since your last turn\n\n${turn.handoffs.map((handoff) => `- task ${handoff.taskId}: ${handoff.summary}${handoff.concerns ? ` (concerns: ${handoff.concerns})` : ''}`).join('\n')}`] : []),
      ...(turn.steering.length > 0 ? [`# From the person running Colony\n\n${turn.steering.map((text) => `- ${text}`).join('\n')}`] : []),
      ...(stillFailing.length > 0 ? [`# Checks still failing on the target\n\nThese commands of checks.full fail on the target branch ${config.target} at the deep gate's last check. They are work to do: plan tasks that make those in your part of the work pass, unless tasks on the board already cover them.\n\n${describeFailingChecks(stillFailing)}`] : []),
      ...(turn.feedback ? [`# The judge's last verdict\n\n${turn.feedback}`] : []),
      ...(scratch ? [`# Your scratchpad from your last turn\n\n${String(scratch.data.text)}`] : turn.fresh ? ['# Fresh start\n\nThe judge asked to replan: plan from the board and the goal, not from earlier plans.'] : []),
      `This is turn ${turn.turn} on this plan. Create the tasks still needed with create_tasks (none if the plan is complete), then call finish with a summary that will be your scratchpad next turn.`,
    ]
    const scratchpad = (summary: string) => store.appendEvents([{ runId: task.runId, taskId: task.id, type: 'planner-scratchpad', data: { text: summary, turn: turn.turn } }])
    const planningTools = [
      noteTool,
      recallTool,
      createTasksTool({ store, board, plan: task, createdBy: `planner-${task.id}`, awaitApproval: config.approval.plan, maxAttempts: config.limits.maxAttempts, onCreated: (tasks) => created.push(...tasks) }),
      createFinishTool(async ({ summary }) => {
        await scratchpad(summary)
        return { output: 'plan turn recorded', done: true }
      }),
    ]
    const cli = cliPlannerSpec(config)
    try {
      if (cli) await planWithCli(context, { spec: cli, task, workspace: workspace.cwd, commit: tip, prompt: sections.join('\n\n'), tools: planningTools, signal: turn.signal, scratchpad })
      else {
        const outcome = await runRoleAgent(context, {
          role: 'planner',
          runId: task.runId,
          taskId: task.id,
          workspace: workspace.cwd,
          commit: tip,
          system: await buildSystemPrompt({ instructions, workspace: workspace.cwd, repoMapTokens: config.context.repoMapTokens }),
          prompt: sections.join('\n\n'),
          tools: [readFileTool, listFilesTool, searchTool, runCommandTool, ...planningTools],
          signal: turn.signal,
        })
        // A turn whose model failed planned nothing; taken for a complete plan, it would end the run as done with no work.
        if (outcome.status === 'stopped' && outcome.reason === 'model-error' && created.length === 0) throw new Error(`the planner's model failed: ${outcome.detail}`)
      }
    } finally {
      await context.workspaces.removeDetached(`planner-${task.id}`).catch((error: unknown) => recordSurvivedFailure(store, { runId: task.runId, taskId: task.id, type: 'worktree-removal-failed', data: { worktree: `planner-${task.id}` } }, error))
    }
    return { created: created.length, complete: created.length === 0 }
  }
}
