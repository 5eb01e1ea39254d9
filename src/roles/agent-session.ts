import { join } from 'node:path'
import { runAgent, type AgentOutcome, type AgentTool, type ToolContext } from '../agent/index.ts'
import { resolveLinkedPaths } from '../git/index.ts'
import type { Role } from '../model/index.ts'
import { recordSurvivedFailure } from '../orchestrator/index.ts'
import type { RoleContext } from './role-context.ts'

/**
 * Runs one agent for a role: registers it on the board (so `colony status`
 * shows it and what it is doing), runs the loop with the run's limits and
 * the role's model, and records how it ended.
 */
export async function runRoleAgent(
  context: RoleContext,
  options: { role: Role; runId: number; taskId: number | null; workspace: string; commit: string | null; system: string; prompt: string; tools: AgentTool[]; signal: AbortSignal; onAgent?: (agentId: number) => void },
): Promise<AgentOutcome> {
  const { store, config } = context
  const model = context.models[options.role]
  if (!model) throw new Error(`this process runs no ${options.role} agents (it was started without a ${options.role} model)`)
  let agent = await store.createAgent({ runId: options.runId, role: options.role, taskId: options.taskId, status: 'running', model: model.spec }, [{ type: 'agent-started', data: { role: options.role, model: model.spec } }])
  options.onAgent?.(agent.id)
  const readableLinks = resolveLinkedPaths(context.repositoryRoot, config.workspace.link).map((link) => join(context.repositoryRoot, link))
  const toolContext: ToolContext = {
    workspace: options.workspace,
    readableLinks,
    sandbox: context.sandbox,
    policy: context.policy,
    store,
    runId: options.runId,
    taskId: options.taskId,
    agentId: agent.id,
    role: options.role,
    commit: options.commit,
    maxCommandSeconds: Math.max(60, config.limits.attemptMinutes * 60),
    signal: options.signal,
  }
  // Activity writes go one after another, and the agent's last write waits for them: one still
  // in flight when the agent ends would move the version under that write (a version conflict).
  let activityWritten: Promise<void> = Promise.resolve()
  const setActivity = (activity: string) => {
    activityWritten = activityWritten.then(async () => {
      // What the agent is doing is a hint for `colony status`: the next step's activity
      // replaces this one, so a write that did not happen is not worth an event.
      agent = await store.updateAgent(agent.id, agent.version, { activity }).catch(() => agent)
    })
  }
  try {
    const outcome = await runAgent({
      model: model.model,
      modelSpec: model.spec,
      price: model.price,
      role: options.role,
      system: options.system,
      prompt: options.prompt,
      tools: options.tools,
      toolContext,
      limits: { steps: config.limits.steps, repeatedFailures: 4, stepsWithoutProgress: 15, wallMs: config.limits.attemptMinutes * 60_000 },
      context: { ...context.context, windowTokens: model.price?.contextWindow ?? context.context.windowTokens },
      store,
      runId: options.runId,
      agentId: agent.id,
      taskId: options.taskId,
      maxRetries: config.model.maxRetries,
      maxOutputTokens: config.model.maxOutputTokens,
      callTimeoutMs: config.model.timeoutSeconds * 1000,
      signal: options.signal,
      beforeStep: context.gate,
      onStep: (step) => setActivity(`step ${step.step}: ${step.toolCalls.join(', ') || 'thinking'}`),
    })
    await activityWritten
    agent = await store.getAgent(agent.id)
    await store.updateAgent(agent.id, agent.version, { status: outcome.status === 'finished' ? 'finished' : 'stopped', activity: outcome.status === 'finished' ? 'finished' : `stopped: ${outcome.reason}` })
    return outcome
  } catch (error) {
    await activityWritten
    agent = await store.getAgent(agent.id)
    await store
      .updateAgent(agent.id, agent.version, { status: 'stopped', activity: `stopped: ${error instanceof Error ? error.message : String(error)}` })
      // The error that stopped the agent goes on to the caller either way; an agent left marked running is recorded.
      .catch((failure: unknown) => recordSurvivedFailure(store, { runId: options.runId, ...(options.taskId !== null && { taskId: options.taskId }), type: 'agent-update-failed', data: { agent: agent.id, status: 'stopped' } }, failure))
    throw error
  }
}
