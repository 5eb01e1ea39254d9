import { newEvent, type EventData, type SurvivedFailureType } from '../events/index.ts'
import { leasedStatuses, ownerIsGone, createInstanceId } from '../board/index.ts'
import { ColonyError } from '../errors/index.ts'
import { createDeepGate, revertTask, runBaseline } from '../gate/index.ts'
import { assertNotCheckedOut, createGit, targetTip, type Workspaces } from '../git/index.ts'
import { roles as roleNames } from '../model/index.ts'
import { moveRun, recordSurvivedFailure, runMoves, type RunResult } from '../orchestrator/index.ts'
import { notifyDuring } from '../notify/index.ts'
import { catchUpStaleness } from '../memory/index.ts'
import { guardedCommandRunner } from '../sandbox/index.ts'
import { isRunEnded, type Run, type Store } from '../store/index.ts'
import { createLiveView } from './live-view.ts'
import { recordModelWarnings } from './model-warnings.ts'
import { prepareAgents, roleModels, type AgentProcessOptions, type PreparedAgents } from './prepare-agents.ts'

export class RunInProgressError extends ColonyError {
  override readonly name = 'RunInProgressError'
  readonly runId: number

  constructor(run: Run) {
    super(`run ${run.id} is ${run.status} with another goal: "${run.goal ?? ''}"`, {
      hint: 'resume it with `colony run` (no --goal), or end it with `colony stop` before starting a new goal',
    })
    this.runId = run.id
  }
}

export class NothingToResumeError extends ColonyError {
  override readonly name = 'NothingToResumeError'

  constructor(reason: string) {
    super(`there is no run to resume: ${reason}`, { hint: 'start one with `colony run --goal "..."` or `--goal-file FILE`' })
  }
}

/**
 * The run a `colony run` invocation drives: the goal's current run, resumed,
 * or a new one. Decided before anything is written; what it returns records
 * the choice (a new goal, a new run), called once nothing can refuse the start.
 */
async function chooseRun(store: Store, target: string, goal: string | undefined): Promise<() => Promise<Run>> {
  const latest = await store.latestRun()
  if (goal === undefined) {
    if (!latest?.goal) throw new NothingToResumeError('no goal has been given yet')
    if (latest.status === 'done') throw new NothingToResumeError(`run ${latest.id} is done (${latest.reason ?? ''})`)
    return async () => latest
  }
  if (latest && !isRunEnded(latest.status)) {
    if (latest.goal === goal) return async () => latest
    // A pending run never started: no agent has worked on its goal, so a reworded one replaces it.
    if (!latest.goal || latest.status === 'pending') return () => store.updateRun(latest.id, latest.version, { goal }, [{ type: 'run-goal-set', data: { goal } }])
    throw new RunInProgressError(latest)
  }
  return () => store.createRun({ goal, target }, [{ type: 'run-created', data: { goal, target } }])
}

export interface LaunchOptions extends AgentProcessOptions {
  goal?: string
}

export interface LaunchResult extends RunResult {
  run: Run
  /** Work tasks merged, of `tasks`: the run's work tasks less the cancelled ones, counted apart. */
  merged: number
  tasks: number
  cancelled: number
  costUsd: number
  targetTip: string
}

/** The deep gate on the target: `checks.full` after merges, bisecting a break to its task and reverting it. */
async function runDeepGate(options: LaunchOptions, run: Run, agents: PreparedAgents) {
  const { config, store, board } = options
  const { git, workspaces, sandbox, policy } = agents
  return createDeepGate({
    git,
    workspaces,
    target: config.target,
    remote: config.remote,
    commands: config.checks.full,
    baseline: await runBaseline({ store, git, runId: run.id, target: config.target, remote: config.remote }),
    timeoutMs: config.limits.attemptMinutes * 60_000,
    run: guardedCommandRunner({ sandbox, policy, store, context: { runId: run.id } }),
    onReverted: async (culprit) => {
      await revertTask({ git, workspaces, store, board, target: config.target, remote: config.remote, taskId: culprit.taskId, reason: `the check \`${culprit.command}\` of checks.full failed on the target after it merged; the deep gate bisected to it`, actor: 'deep-gate', output: culprit.output, revertCommit: culprit.revert })
    },
    emit: async (type, data) => void (await store.appendEvents([newEvent(type, data, { runId: run.id })])),
  })
}

/**
 * When a run ends its task worktrees and branches go, except those of tasks
 * another live process (a `colony worker` still leaving) holds, and of
 * changes waiting for a person's approval (their branch keeps the commit).
 */
async function removeTaskWorktrees(store: Store, runId: number, workspaces: Workspaces): Promise<void> {
  const owner = createInstanceId()
  const kept = new Set(
    (await store.listTasks({ runId }))
      .filter((task) => task.status === 'awaiting_approval' || (leasedStatuses.includes(task.status) && task.owner !== null && !ownerIsGone(task.owner, owner)))
      .map((task) => task.id),
  )
  await workspaces.sweep((taskId) => kept.has(taskId), { final: true })
}

/**
 * `colony run`: starts or resumes this repository's run with the real roles
 * (agents over the configured models, the sandbox, the gates) and drives it
 * to its end under a supervisor, showing it live. Everything is in the store,
 * so a killed process is resumed by running it again.
 */
export async function launchRun(options: LaunchOptions): Promise<LaunchResult> {
  const { config, store } = options
  // Before anything is recorded: a refused run leaves no trace.
  await assertNotCheckedOut(createGit(options.layout.root), config.target)
  const recordRun = await chooseRun(store, config.target, options.goal)
  // A model that cannot be loaded (a local model) refuses the start too, before the goal is recorded.
  const models = await roleModels(options, roleNames)
  const run = await recordRun()
  const agents = await prepareAgents(options, run, roleNames, models)
  const { git, workspaces } = agents
  const survived = <T extends SurvivedFailureType>(type: T, data: Omit<EventData<T>, 'error' | 'name'>) => (error: unknown) => recordSurvivedFailure(store, { runId: run.id, type, data }, error)
  // Memory about files a commit outside Colony changed since its last landing is stale before any agent reads it.
  const tip = await targetTip(git, config)
  if (tip) await catchUpStaleness(store, git, tip).catch(survived('memory-update-failed', { commit: tip }))
  const deepGate = await runDeepGate(options, run, agents)
  const supervisor = agents.superviseWith({ deepGate, onMerged: () => void deepGate.request().catch(survived('deep-gate-error', {})) })
  const onAbort = () => void moveRun(store, run.id, runMoves.stop('signal')).catch(survived('run-stop-failed', { actor: 'signal' }))
  options.signal?.addEventListener('abort', onAbort, { once: true })
  const restoreWarnings = recordModelWarnings(store, run.id)
  // What this process runs with, said once at the start.
  await store.appendEvents([{ runId: run.id, type: 'run-configured', data: { instance: supervisor.instanceId, ...agents.description } }])
  const view = createLiveView({ store, runId: run.id, output: options.output, budget: config.budget })
  try {
    const result = await notifyDuring({ store, runId: run.id, config }, () => supervisor.run())
    await view.refresh()
    const work = (await store.listTasks({ runId: run.id })).filter((task) => task.kind === 'work')
    return {
      ...result,
      run: await store.getRun(run.id),
      merged: work.filter((task) => task.status === 'merged').length,
      tasks: work.filter((task) => task.status !== 'cancelled').length,
      cancelled: work.filter((task) => task.status === 'cancelled').length,
      costUsd: (await store.usageTotals({ runId: run.id })).costUsd,
      targetTip: await git.text(['rev-parse', `refs/heads/${config.target}`]),
    }
  } finally {
    options.signal?.removeEventListener('abort', onAbort)
    await view.stop()
    await workspaces.removeDetached('deep-gate').catch(survived('worktree-removal-failed', { worktree: 'deep-gate' }))
    await removeTaskWorktrees(store, run.id, workspaces)
    restoreWarnings()
  }
}
