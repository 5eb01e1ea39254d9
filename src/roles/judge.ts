import { z } from 'zod'
import { buildSystemPrompt, defineTool, listFilesTool, noteTool, readFileTool, runCommandTool, searchTool } from '../agent/index.ts'
import type { DeepGateReport } from '../gate/index.ts'
import type { JudgeCall, Verdict } from '../orchestrator/index.ts'
import { runRoleAgent } from './agent-session.ts'
import { boardSummary } from './board-summary.ts'
import type { RoleContext } from './role-context.ts'

function describeChecks(report: DeepGateReport, commands: readonly string[]): string {
  if (commands.length === 0) return 'No full checks are configured (checks.full is empty).'
  switch (report.status) {
    case 'green':
    case 'unchanged':
      return `checks.full (${commands.join(', ')}) passes on the target tip ${report.tip.slice(0, 12)}.`
    case 'reverted':
      return `checks.full failed; the deep gate reverted tasks ${report.culprits.map((culprit) => culprit.taskId).join(', ')} and the tip ${report.tip.slice(0, 12)} passes now.`
    case 'red':
      return `checks.full FAILS on the target tip ${report.tip.slice(0, 12)}: ${report.reason}\n\n${report.output.slice(-4_000)}`
  }
}

/**
 * The judge at the end of a cycle: runs `checks.full` on the target (the deep
 * gate, which reverts a culprit it can find), then an agent reads the goal,
 * the board, the handoffs and that result and calls `verdict`. An agent that
 * ends without one is a `continue`, with the reason recorded.
 */
export function createJudge(context: RoleContext) {
  const { store, config } = context
  return async function judge(call: JudgeCall): Promise<Verdict> {
    if (!context.deepGate) throw new Error('this process does not judge: the judge runs in `colony run`')
    const report = await context.deepGate.check(call.signal)
    const tip = await context.git.text(['rev-parse', `refs/heads/${config.target}`])
    const workspace = await context.workspaces.openDetached('judge', tip)
    const handoffs = await store.listHandoffs({ runId: call.run.id })
    let verdict: Verdict | undefined
    const verdictTool = defineTool({
      name: 'verdict',
      description: 'End the cycle: "done" when the goal is met and the checks pass, "continue" for the planners to plan more, "replan" to start over from a summary with fresh context.',
      inputSchema: z.object({ decision: z.enum(['continue', 'replan', 'done']), reason: z.string().min(1) }),
      async execute(input) {
        if (input.decision === 'done' && report.status === 'red') throw new Error('checks.full fails on the target; the goal cannot be done while it does. Choose continue or replan.')
        verdict = input
        return { output: `verdict recorded: ${input.decision}`, done: true }
      },
    })
    try {
      const outcome = await runRoleAgent(context, {
        role: 'judge',
        runId: call.run.id,
        taskId: null,
        workspace: workspace.cwd,
        system: await buildSystemPrompt({ role: 'judge', workspace: workspace.cwd, repoMapTokens: 0 }),
        prompt: [
          `# The goal\n\n${call.run.goal ?? '(no goal recorded)'}`,
          `# Cycle ${call.cycle}: the board\n\n${await boardSummary(store, call.run.id)}`,
          `# Handoffs\n\n${handoffs.map((handoff) => `- task ${handoff.taskId}: ${handoff.summary}`).join('\n') || '(none)'}`,
          `# Full checks on the target branch ${config.target}\n\n${describeChecks(report, config.checks.full)}`,
          'Your working directory is a checkout of the target branch. Call verdict once.',
        ].join('\n\n'),
        tools: [readFileTool, listFilesTool, searchTool, runCommandTool, noteTool, verdictTool],
        signal: call.signal,
      })
      return verdict ?? { decision: 'continue', reason: `the judge gave no verdict (${outcome.status === 'stopped' ? `${outcome.reason}: ${outcome.detail}` : 'finished without one'})` }
    } finally {
      await context.workspaces.removeDetached('judge').catch(() => undefined)
    }
  }
}
