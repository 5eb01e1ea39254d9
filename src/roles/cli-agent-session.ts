import { mkdir, rm } from 'node:fs/promises'
import { join } from 'node:path'
import { resolveAgentCli, runCliTurn, type CliTurnResult, type CliUsage } from '../agents/index.ts'
import type { AgentTool, ToolContext } from '../agent/index.ts'
import type { AgentCliSpec } from '../config/index.ts'
import { priceOf } from '../model/index.ts'
import { recordSurvivedFailure } from '../orchestrator/index.ts'
import type { RoleContext } from './role-context.ts'

export interface CliAgentOptions {
  role: 'worker' | 'planner' | 'judge'
  spec: AgentCliSpec
  runId: number
  /** The task the agent works on; none for the judge. */
  taskId: number | null
  /** Where the CLI works: a task's worktree, or a planner's detached checkout. */
  workspace: string
  /** The target commit that workspace was opened at. */
  commit: string | null
  /** Colony's role instructions, added to the CLI's own system prompt. */
  instructions: string
  /** Colony's tools for this role, which the CLI reaches over MCP. */
  tools: readonly AgentTool[]
  signal: AbortSignal
}

export interface CliAgentSession {
  agentId: number
  /** The agent's signal: aborted by the caller's, or by a fatal tool error. */
  signal: AbortSignal
  /** Whether a tool that ends the agent's task (finish, verdict) has succeeded. */
  readonly done: boolean
  /** One turn: the first with the task, later ones resuming the CLI's session with what to do next. Pausing holds it. */
  turn(prompt: string): Promise<CliTurnResult>
  /** Records how the agent ended and gives back its throwaway home and MCP address. */
  close(ending: { finished: boolean; activity: string }): Promise<void>
}

/**
 * An agent CLI as one of Colony's agents: registered on the board (so `colony
 * status` shows it and what it is doing), given a throwaway home and an MCP
 * address bound to its tools, run one turn at a time inside the sandbox within
 * the attempt's time box, its session resumed from turn to turn.
 */
export async function openCliAgent(context: RoleContext, options: CliAgentOptions): Promise<CliAgentSession> {
  const { store, config } = context
  const { role, runId, taskId } = options
  const { cli, executable, model } = resolveAgentCli(config, options.spec, role)
  const usageModel = `${cli.name}/${model.spec}`
  let agent = await store.createAgent({ runId, role, taskId, status: 'running', model: usageModel }, [{ type: 'agent-started', data: { role, model: usageModel } }])
  const abort = new AbortController()
  const onAbort = () => abort.abort(options.signal.reason)
  options.signal.addEventListener('abort', onAbort, { once: true })
  let done = false
  const toolContext: ToolContext = {
    workspace: options.workspace,
    readableLinks: [],
    sandbox: context.sandbox,
    policy: context.policy,
    store,
    runId,
    taskId,
    agentId: agent.id,
    role,
    commit: options.commit,
    maxCommandSeconds: Math.max(60, config.limits.attemptMinutes * 60),
    signal: abort.signal,
  }
  const binding = await context.mcp.bind({ tools: options.tools, context: toolContext, onDone: () => (done = true), onFatal: (error) => abort.abort(error) })
  const home = join(context.repositoryRoot, '.colony', 'agent-homes', `${taskId ?? role}-${agent.id}`)
  await mkdir(home, { recursive: true })
  const deadline = Date.now() + config.limits.attemptMinutes * 60_000
  let session: string | undefined
  let steps = 0
  let reported: CliUsage | undefined
  // Activity writes go one after another, and the agent's last write waits for them (as runRoleAgent's do).
  let activityWritten: Promise<void> = Promise.resolve()
  const setActivity = (activity: string) => {
    activityWritten = activityWritten.then(async () => {
      // What the agent is doing is a hint for `colony status`: the next step's activity replaces it.
      agent = await store.updateAgent(agent.id, agent.version, { activity }).catch(() => agent)
    })
  }

  return {
    agentId: agent.id,
    signal: abort.signal,
    get done() {
      return done
    },
    async turn(prompt) {
      await context.gate(abort.signal)
      const result = await runCliTurn({
        cli,
        executable,
        turn: { workspace: options.workspace, home, prompt, instructions: options.instructions, model, mcpUrl: binding.url, headers: { 'x-colony-role': role, ...(taskId !== null && { 'x-colony-task': String(taskId) }) }, resume: session, maxSteps: Math.max(1, config.limits.steps - steps) },
        sandbox: context.sandbox,
        store,
        runId,
        taskId,
        agentId: agent.id,
        role,
        usageModel,
        price: priceOf(model.spec, config),
        timeoutMs: Math.max(1_000, deadline - Date.now()),
        stallMs: options.spec.stallMinutes * 60_000,
        stepsBefore: steps,
        maxSteps: config.limits.steps,
        reportedBefore: reported,
        signal: abort.signal,
        onActivity: setActivity,
      })
      steps += result.steps
      reported = result.reported ?? reported
      session = result.session ?? session
      if (abort.signal.aborted) throw abort.signal.reason
      return { ...result, session }
    },
    async close({ finished, activity }) {
      binding.close()
      options.signal.removeEventListener('abort', onAbort)
      try {
        await activityWritten
        agent = await store.getAgent(agent.id)
        await store
          .updateAgent(agent.id, agent.version, { status: finished ? 'finished' : 'stopped', activity })
          // How the agent ended goes on to the caller either way; an agent left marked running is recorded.
          .catch((failure: unknown) => recordSurvivedFailure(store, { runId, ...(taskId !== null && { taskId }), type: 'agent-update-failed', data: { agent: agent.id, status: finished ? 'finished' : 'stopped' } }, failure))
      } finally {
        await rm(home, { recursive: true, force: true })
      }
    },
  }
}
