import { z } from 'zod'
import { buildSystemPrompt, defineTool, listFilesTool, noteTool, readFileTool, readModelText, runCommandTool, searchTool } from '../agent/index.ts'
import { describeFailingChecks, isFailing, type DeepGateReport } from '../gate/index.ts'
import { recordSurvivedFailure, type JudgeCall, type Verdict } from '../orchestrator/index.ts'
import { cliJudgeSpec } from '../agents/index.ts'
import { runRoleAgent } from './agent-session.ts'
import { recallTool } from '../memory/index.ts'
import { judgeWithCli } from './cli-judge.ts'
import { boardSummary } from './board-summary.ts'
import type { RoleContext } from './role-context.ts'

const instructions = readModelText(new URL('./judge.md', import.meta.url))
const verdictDescription = readModelText(new URL('./verdict.txt', import.meta.url))

/** The deep gate's report, per check: what passes, what it reverted, and what still fails (work to do). */
function describeChecks(report: DeepGateReport, commands: readonly string[]): string {
  if (commands.length === 0) return 'No full checks are configured (checks.full is empty).'
  const lines = report.checks.map((check) => {
    const reverted = check.culprits.length > 0 ? ` (the deep gate reverted task${check.culprits.length > 1 ? 's' : ''} ${check.culprits.map((culprit) => culprit.taskId).join(', ')}, which broke it)` : ''
    if (check.status === 'passing' || check.status === 'reverted') return `- \`${check.command}\`: passes${reverted}`
    return `- \`${check.command}\`: FAILS${check.status === 'red-from-start' ? ', red from the start' : ''}${reverted}`
  })
  const failing = report.checks.filter(isFailing)
  const summary = failing.length === 0
    ? `Every command of checks.full passes on the target tip ${report.tip.slice(0, 12)}.`
    : `${failing.length} of ${report.checks.length} commands of checks.full fail on the target tip ${report.tip.slice(0, 12)}; the goal is not done while any does.`
  return [summary, lines.join('\n'), ...(failing.length > 0 ? [`## Still failing: work to do\n\n${describeFailingChecks(failing)}`] : [])].join('\n\n')
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
      description: verdictDescription,
      inputSchema: z.object({ decision: z.enum(['continue', 'replan', 'done']), reason: z.string().min(1) }),
      async execute(input) {
        const failing = report.checks.filter(isFailing)
        if (input.decision === 'done' && failing.length > 0) throw new Error(`checks.full fails on the target (${failing.map((check) => check.command).join(', ')}); the goal cannot be done while it does. Choose continue or replan.`)
        verdict = input
        return { output: `verdict recorded: ${input.decision}`, done: true }
      },
    })
    const prompt = [
      `# The goal\n\n${call.run.goal ?? '(no goal recorded)'}`,
      `# Cycle ${call.cycle}: the board\n\n${await boardSummary(store, call.run.id)}`,
      `# Handoffs\n\n${handoffs.map((handoff) => `- task ${handoff.taskId}: ${handoff.summary}`).join('\n') || '(none)'}`,
      `# Full checks on the target branch ${config.target}\n\n${describeChecks(report, config.checks.full)}`,
      'Your working directory is a checkout of the target branch. Call verdict once.',
    ].join('\n\n')
    const cli = cliJudgeSpec(config)
    try {
      const ended = cli
        ? await judgeWithCli(context, { spec: cli, runId: call.run.id, workspace: workspace.cwd, commit: tip, prompt, tools: [noteTool, recallTool, verdictTool], signal: call.signal })
        : await runRoleAgent(context, {
            role: 'judge',
            runId: call.run.id,
            taskId: null,
            workspace: workspace.cwd,
            commit: tip,
            system: await buildSystemPrompt({ instructions, workspace: workspace.cwd, repoMapTokens: 0 }),
            prompt,
            tools: [readFileTool, listFilesTool, searchTool, runCommandTool, noteTool, recallTool, verdictTool],
            signal: call.signal,
          }).then((outcome) => (outcome.status === 'stopped' ? `${outcome.reason}: ${outcome.detail}` : 'finished without one'))
      return verdict ?? { decision: 'continue', reason: `the judge gave no verdict (${ended})` }
    } finally {
      await context.workspaces.removeDetached('judge').catch((error: unknown) => recordSurvivedFailure(store, { runId: call.run.id, type: 'worktree-removal-failed', data: { worktree: 'judge' } }, error))
    }
  }
}
