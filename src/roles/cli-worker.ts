import { mkdir, rm } from 'node:fs/promises'
import { join } from 'node:path'
import { cliWorkerSpecs, resolveAgentCli, runCliTurn, type CliUsage } from '../agents/index.ts'
import { createFinishTool, noteTool, readModelText, type ToolContext } from '../agent/index.ts'
import type { TaskHandle } from '../board/index.ts'
import type { AgentCliSpec } from '../config/index.ts'
import type { Workspace } from '../git/index.ts'
import { priceOf } from '../model/index.ts'
import { recordSurvivedFailure, type WorkerOutcome } from '../orchestrator/index.ts'
import type { Task } from '../store/index.ts'
import type { RoleContext } from './role-context.ts'
import { createTaskFinish } from './task-finish.ts'

const instructions = readModelText(new URL('./cli-worker.md', import.meta.url))

/** How many times a CLI is resumed with what to fix after its change did not land, before the attempt ends. */
const maxResumes = 4

/** The CLI a task's worker is: one of colony.json's `agents.worker`, taken in turn by task id (the same CLI for every attempt of a task). */
export function cliSpecFor(context: RoleContext, task: Task): AgentCliSpec | undefined {
  const specs = cliWorkerSpecs(context.config)
  return specs.length === 0 ? undefined : specs[task.id % specs.length]
}

function fixPrompt(output: string): string {
  return `Colony tried to integrate your change and it did not land:\n\n${output}\n\nFix this in the worktree, then call Colony's finish tool again (or end your turn and Colony integrates again).`
}

/**
 * One attempt of a task by an agent CLI (colony.json `agents.worker`): the CLI
 * runs headless in the task's worktree, inside the sandbox, with the task
 * contract as its prompt and Colony's finish and note tools over MCP. When it
 * ends its turn without landing, Colony integrates for it; a change that does
 * not land (a conflict, a failing gate, files out of scope) resumes the same
 * CLI session with what to fix. Pausing holds the next turn; a cancel, the
 * time box or the budget stop the CLI's whole process tree through the signal.
 */
export async function workWithCli(context: RoleContext, options: { spec: AgentCliSpec; handle: TaskHandle; workspace: Workspace; signal: AbortSignal; prompt: string }): Promise<WorkerOutcome> {
  const { store, config } = context
  const { handle, workspace, signal, spec } = options
  const task = handle.task
  const { cli, executable, model } = resolveAgentCli(config, spec)
  let agent = await store.createAgent({ runId: task.runId, role: 'worker', taskId: task.id, status: 'running', model: `${cli.name}/${model.spec}` }, [{ type: 'agent-started', data: { role: 'worker', model: `${cli.name}/${model.spec}` } }])
  const taskFinish = createTaskFinish(context, { handle, workspace, signal, agentId: () => agent.id })
  const attempt = new AbortController()
  const onAbort = () => attempt.abort(signal.reason)
  signal.addEventListener('abort', onAbort, { once: true })
  let finished = false
  const toolContext: ToolContext = {
    workspace: workspace.path,
    readableLinks: [],
    sandbox: context.sandbox,
    policy: context.policy,
    store,
    runId: task.runId,
    taskId: task.id,
    agentId: agent.id,
    maxCommandSeconds: Math.max(60, config.limits.attemptMinutes * 60),
    signal: attempt.signal,
  }
  const binding = await context.mcp.bind({
    tools: [createFinishTool(taskFinish.finish), noteTool],
    context: toolContext,
    onDone: () => (finished = true),
    onFatal: (error: unknown) => attempt.abort(error),
  })
  const home = join(context.repositoryRoot, '.colony', 'agent-homes', `${task.id}-${agent.id}`)
  await mkdir(home, { recursive: true })
  const deadline = Date.now() + config.limits.attemptMinutes * 60_000
  let session: string | undefined
  let prompt = options.prompt
  let steps = 0
  let reported: CliUsage | undefined
  let ending = 'the agent CLI ended without its change landing'
  // Activity writes go one after another, and the agent's last write waits for them (as runRoleAgent's do).
  let activityWritten: Promise<void> = Promise.resolve()
  const setActivity = (activity: string) => {
    activityWritten = activityWritten.then(async () => {
      // What the agent is doing is a hint for `colony status`: the next step's activity replaces it.
      agent = await store.updateAgent(agent.id, agent.version, { activity }).catch(() => agent)
    })
  }
  try {
    for (let turn = 0; turn <= maxResumes; turn++) {
      await context.gate(attempt.signal)
      const result = await runCliTurn({
        cli,
        executable,
        turn: { workspace: workspace.path, home, prompt, instructions, model, mcpUrl: binding.url, headers: { 'x-colony-role': 'worker', 'x-colony-task': String(task.id) }, resume: session, maxSteps: Math.max(1, config.limits.steps - steps) },
        sandbox: context.sandbox,
        store,
        runId: task.runId,
        taskId: task.id,
        agentId: agent.id,
        role: 'worker',
        usageModel: `${cli.name}/${model.spec}`,
        price: priceOf(model.spec, config),
        timeoutMs: Math.max(1_000, deadline - Date.now()),
        stallMs: spec.stallMinutes * 60_000,
        stepsBefore: steps,
        maxSteps: config.limits.steps,
        reportedBefore: reported,
        signal: attempt.signal,
        onActivity: setActivity,
      })
      steps += result.steps
      reported = result.reported ?? reported
      session = result.session ?? session
      if (attempt.signal.aborted) throw attempt.signal.reason
      if (finished) break
      if (result.failure) {
        ending = result.failure
        break
      }
      const integrated = await taskFinish.finish({ summary: result.text.trim() || `${cli.title} ended its turn without a summary` })
      if (integrated.done) break
      if (!session) {
        ending = `the change did not land and ${cli.title} gave no session to resume: ${integrated.output.split('\n')[0]}`
        break
      }
      prompt = fixPrompt(integrated.output)
      ending = `the change did not land after ${maxResumes} resumes: ${integrated.output.split('\n')[0]}`
    }
    const outcome = taskFinish.outcome(ending)
    await activityWritten
    agent = await store.getAgent(agent.id)
    await store.updateAgent(agent.id, agent.version, { status: 'merged' in outcome && outcome.merged ? 'finished' : 'stopped', activity: 'merged' in outcome && outcome.merged ? 'finished' : `stopped: ${'reason' in outcome ? outcome.reason : 'awaiting approval'}` })
    return outcome
  } catch (error) {
    await activityWritten
    agent = await store.getAgent(agent.id)
    await store
      .updateAgent(agent.id, agent.version, { status: 'stopped', activity: `stopped: ${error instanceof Error ? error.message : String(error)}` })
      // The error that stopped the agent goes on to the caller either way; an agent left marked running is recorded.
      .catch((failure: unknown) => recordSurvivedFailure(store, { runId: task.runId, taskId: task.id, type: 'agent-update-failed', data: { agent: agent.id, status: 'stopped' } }, failure))
    throw error
  } finally {
    binding.close()
    signal.removeEventListener('abort', onAbort)
    await rm(home, { recursive: true, force: true })
  }
}
